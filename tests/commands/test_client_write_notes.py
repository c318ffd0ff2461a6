"""`add-event` and `set-status` of a deposit say how it counts towards entry into force, and
the count on the server agrees with what they said."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from timeline_client import Client

from tests.clients.server import ADMIN_TOKEN
from tests.commands._cli import SLUG, run


@pytest.fixture(autouse=True)
def editor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every write here carries a token; tables as a wide terminal shows them."""
    monkeypatch.setenv("TIMELINE_TOKEN", ADMIN_TOKEN)
    monkeypatch.setenv("COLUMNS", "220")


def deposited(server: str) -> int:
    """The entry-into-force count the server reports today."""
    with Client(server) as api:
        count = api.entry_into_force(SLUG).count
    assert count is not None
    return count


def add_deposit(
    capsys: pytest.CaptureFixture[str], server: str, kind: str, party: str, date: str, *extra: str
) -> tuple[int, str, str]:
    """`timeline add-event` of a `kind` (ratification, signature) by `party` on `date`."""
    return run(
        capsys,
        *("add-event", SLUG, "--server", server, "--kind", kind, "--date", date),
        *("--title", f"{kind.capitalize()} by {party}", "--attr", f"party={party}", *extra),
    )


def created_id(out: str) -> str:
    """The id in `created ID: ...`."""
    first = out.splitlines()[0]
    assert first.startswith("created ")
    return first.removeprefix("created ").split(":", 1)[0]


def test_a_planned_ratification_is_told_it_counts_only_once_held(
    shared_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = deposited(shared_server)
    code, out, err = add_deposit(capsys, shared_server, "ratification", "Ruritania", "2025-11-03")
    assert code == 0, err
    event_id = created_id(out)
    assert "note: this ratification is planned" in out
    assert "only when held" in out
    assert f"timeline set-status {SLUG} {event_id} held" in out
    assert deposited(shared_server) == before  # as the note said

    code, out, err = run(capsys, "set-status", SLUG, event_id, "held", "--server", shared_server)
    assert code == 0, err
    assert "planned → held" in out
    assert "note: this deposit counts towards entry into force from 2025-11-03" in out
    assert deposited(shared_server) == before + 1


@pytest.mark.parametrize(
    ("kind", "party", "date", "said", "unsaid", "counted"),
    [
        pytest.param(
            *("ratification", "Freedonia", "2026-01-15"),
            "note: this deposit counts towards entry into force from 2026-01-15",
            "set-status",
            1,
            id="a ratification added as held counts at once",
        ),
        pytest.param(
            *("signature", "Grand Fenwick", "2026-02-10"),
            "note: signatures never count towards entry into force",
            "this one is",
            0,
            id="a signature is told it never counts",
        ),
    ],
)
def test_a_deposit_added_as_held_is_told_how_it_counts(
    shared_server: str,
    capsys: pytest.CaptureFixture[str],
    kind: str,
    party: str,
    date: str,
    said: str,
    unsaid: str,
    counted: int,
) -> None:
    before = deposited(shared_server)
    code, out, err = add_deposit(capsys, shared_server, kind, party, date, "--status", "held")
    assert code == 0, err
    assert said in out
    assert unsaid not in out
    assert deposited(shared_server) == before + counted


def test_with_json_the_note_goes_to_standard_error(
    shared_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = add_deposit(
        capsys, shared_server, "ratification", "Elbonia", "2025-12-01", "--json"
    )
    assert code == 0
    assert json.loads(out)["status"] == "planned"  # standard output is JSON alone
    assert err.startswith("note: this ratification is planned")


def test_other_kinds_get_no_note(shared_server: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys,
        *("add-event", SLUG, "--server", shared_server, "--kind", "note"),
        *("--title", "A note on deposits", "--date", "2025-12-02"),
    )
    assert code == 0, err
    assert "note:" not in out and err == ""


def test_a_deposit_dated_later_is_told_from_when_it_counts(
    shared_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    later = (dt.date.today() + dt.timedelta(days=200)).isoformat()
    before = deposited(shared_server)
    code, out, err = add_deposit(
        capsys, shared_server, "ratification", "Sylvania", later, "--status", "held"
    )
    assert code == 0, err
    assert f"note: this deposit counts towards entry into force from {later}" in out
    assert deposited(shared_server) == before  # not yet
