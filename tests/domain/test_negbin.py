"""Negative Binomial tails: hand-checked values, and the fast paths' floats against the sums."""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.domain.negbin import Tails as _Tails
from timeline.domain.negbin import negbin_tail

D = dt.date
AS_OF = D(2023, 6, 30)  # a Friday


def test_negbin_tail_matches_the_pmf_by_hand() -> None:
    assert negbin_tail(1, 0.5, 1) == 0.5  # 1 - p
    assert abs(negbin_tail(2, 0.5, 2) - 0.5) < 1e-12  # 1 - (1/4 + 2/8)
    assert abs(negbin_tail(3, 0.8, 1) - 0.488) < 1e-12  # 1 - 0.8^3
    assert negbin_tail(2, 0.3, 0) == 1.0
    assert negbin_tail(2, 1.0, 1) == 0.0  # no capacity: nothing more can be settled


@settings(max_examples=200, deadline=None)
@given(st.floats(0.05, 400.0), st.floats(1e-4, 0.9999), st.integers(0, 300))
def test_negbin_tail_equals_the_inline_closed_form_to_the_last_bit(
    r: float, p: float, n: int
) -> None:
    if n == 0:
        assert negbin_tail(r, p, n) == 1.0
        return
    log_p, log_q = math.log(p), math.log1p(-p)
    terms = [
        math.exp(math.lgamma(k + r) - math.lgamma(r) - math.lgamma(k + 1) + r * log_p + k * log_q)
        for k in range(n)
    ]
    assert negbin_tail(r, p, n) == min(1.0, max(0.0, 1.0 - math.fsum(terms)))


# The tails of an assessment come from the pmf's recurrence, not the log-space sum: not the same
# floats as `negbin_tail`, so the contract is a bound on the error. Against the exact sum (whole
# r, as an assessment's r = 1 + settled is) it is within 1e-12; against `negbin_tail`, whose
# lgamma terms carry errors of their own of a few 1e-13 for large r, within 1e-11.


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 300), st.floats(1e-4, 0.9999), st.integers(0, 250))
def test_tails_are_within_1e_12_of_the_exact_sum(r: int, p: float, n: int) -> None:
    exact_p = Fraction(p)
    exact = 1 - sum(math.comb(k + r - 1, k) * exact_p**r * (1 - exact_p) ** k for k in range(n))
    assert abs(_Tails(float(r), n)(p) - float(exact)) <= 1e-12


@settings(max_examples=200, deadline=None)
@given(st.floats(0.05, 400.0), st.floats(1e-4, 0.9999), st.integers(0, 300))
def test_tails_agree_with_negbin_tail(r: float, p: float, n: int) -> None:
    assert abs(_Tails(r, n)(p) - negbin_tail(r, p, n)) <= 1e-11


def test_tails_keep_the_edges_of_negbin_tail() -> None:
    assert _Tails(2.0, 0)(0.3) == 1.0
    assert _Tails(2.0, 1)(1.0) == 0.0
    assert _Tails(2.0, 3)(0.0) == 1.0
    # p^r underflows: the log-space sum answers (here the tail is all but certain)
    assert _Tails(400.0, 5)(0.01) == negbin_tail(400.0, 0.01, 5)


@settings(max_examples=150, deadline=None)
@given(
    st.floats(0.05, 400.0),
    st.integers(0, 300),
    st.lists(
        st.one_of(st.floats(1e-6, 1 - 1e-6), st.sampled_from([0.0, 1.0, 1e-300, 0.5, 0.999999])),
        max_size=40,
    ),
)
def test_tails_of_many_chances_are_the_same_floats_as_one_at_a_time(
    r: float, n: int, ps: list[float]
) -> None:
    tails = _Tails(r, n)
    assert tails.many(ps) == [tails(p) for p in ps]


def test_tails_of_many_chances_split_into_blocks_give_the_same_floats(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tails = _Tails(37.0, 250)
    ps = [i / 101 for i in range(1, 101)]
    whole = tails.many(ps)
    monkeypatch.setattr("timeline.domain.negbin._TAIL_BLOCK", 3 * 250)  # blocks of 3 rows
    assert tails.many(ps) == whole == [tails(p) for p in ps]


def test_tails_of_no_chances_is_empty() -> None:
    assert _Tails(3.0, 10).many([]) == []
