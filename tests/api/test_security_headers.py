"""`secure()`: the security headers every answer gets, whichever path it takes through."""

from __future__ import annotations

from timeline.api.middleware import HTML_CSP, SCHEMA_UI_CSP, secure

JSON = (b"content-type", b"application/json")
LENGTH = (b"content-length", b"2")


def _names(headers: list[tuple[bytes, bytes]]) -> list[bytes]:
    return [name.lower() for name, _ in headers]


def test_a_json_answer_gets_nosniff_and_a_referrer_policy_once() -> None:
    headers = [JSON, LENGTH]
    secure(headers, path="/api/v1/processes")
    assert headers == [
        JSON,
        LENGTH,
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
    ]


def test_a_header_the_route_set_itself_is_kept_whatever_its_case() -> None:
    headers = [JSON, (b"X-Content-Type-Options", b"nosniff"), (b"Referrer-Policy", b"no-referrer")]
    secure(headers, path="/api/v1/processes")
    assert _names(headers).count(b"x-content-type-options") == 1
    assert _names(headers).count(b"referrer-policy") == 1
    assert (b"Referrer-Policy", b"no-referrer") in headers


def test_one_security_header_present_gets_the_other_added() -> None:
    headers = [JSON, (b"referrer-policy", b"no-referrer")]
    secure(headers, path="/api/v1/processes")
    assert dict(headers)[b"referrer-policy"] == b"no-referrer"
    assert dict(headers)[b"x-content-type-options"] == b"nosniff"


def test_html_in_any_case_gets_the_page_policies() -> None:
    headers = [(b"Content-Type", b"Text/HTML; charset=utf-8")]
    secure(headers, path="/processes/cybercrime")
    named = dict(headers)
    assert named[b"content-security-policy"] == HTML_CSP.encode()
    assert named[b"x-frame-options"] == b"DENY"
    assert named[b"x-content-type-options"] == b"nosniff"


def test_a_page_that_names_who_may_frame_it_gets_no_frame_refusal() -> None:
    policy = b"frame-ancestors *"
    headers = [(b"content-type", b"text/html"), (b"content-security-policy", policy)]
    secure(headers, path="/embed/cybercrime")
    assert b"x-frame-options" not in _names(headers)
    assert _names(headers).count(b"content-security-policy") == 1


def test_the_schema_ui_gets_its_looser_policy() -> None:
    headers = [(b"content-type", b"text/html; charset=utf-8")]
    secure(headers, path="/schema/swagger")
    assert dict(headers)[b"content-security-policy"] == SCHEMA_UI_CSP.encode()
