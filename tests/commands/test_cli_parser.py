"""The `timeline` parser: listed without importing the commands, the same help as the full
parser, help on every option, and `--help`, `--version` and client commands that import only
what they use."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from timeline_client import Client

from tests.clients import conftest as client_fixtures
from tests.clients.server import free_port
from timeline.cli import COMMANDS, build_parser, parser_for
from timeline.commands.client import client_transport, event_when
from timeline.domain.dates import describe_fuzzy, parse_date

module_seeded_url = client_fixtures.module_seeded_url
shared_server = client_fixtures.shared_server

ROOT = Path(__file__).resolve().parents[2]
# What a command that does not use them must never import: the server's framework, the
# database layers, the EDTF grammar, and (for --help and --version) the HTTP client and rich.
SERVER_SIDE = ("litestar", "sqlalchemy", "sqlmodel", "alembic", "timeline.store", "timeline.api")
SERVER_SIDE += ("timeline.services", "edtf", "pyparsing")
CLIENT_SIDE = ("httpx", "timeline_client", "rich")


def _commands(parser: argparse.ArgumentParser, path: list[str]) -> list[list[str]]:
    found = [path]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _commands(sub, [*path, name])
    return found


def _help(parser: argparse.ArgumentParser, argv: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        parser.parse_args(argv)
    return out.getvalue()


def _imported(*argv: str, env: dict[str, str] | None = None) -> tuple[int, set[str]]:
    """Run `timeline argv` in a fresh interpreter; its exit code and every module it imported."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "timeline.cli", *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )
    modules = {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "timeline.cli" in modules or "timeline" in modules, done.stderr[-500:]
    return done.returncode, modules


def _under(modules: set[str], roots: tuple[str, ...]) -> set[str]:
    return {m for m in modules if any(m == r or m.startswith(r + ".") for r in roots)}


COMMAND_PATHS = _commands(build_parser(), [])


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda p: " ".join(p) or "timeline")
def test_every_help_reads_as_the_full_parser_says_it(
    path: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    argv = [*path, "--help"]
    lazy = _help(parser_for(argv), argv)
    assert lazy.startswith("usage: timeline")
    assert lazy == _help(build_parser(), argv)


def test_the_command_table_lists_every_command_in_order() -> None:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    listed = [(c.dest, c.help) for c in action._choices_actions]
    assert listed == [command for _, commands in COMMANDS for command in commands]


def test_an_unknown_command_gets_the_full_parsers_answer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as lazy:
        parser_for(["upcomming"]).parse_args(["upcomming"])
    lazy_err = capsys.readouterr().err
    with pytest.raises(SystemExit) as full:
        build_parser().parse_args(["upcomming"])
    assert lazy.value.code == full.value.code == 2
    assert lazy_err == capsys.readouterr().err
    assert "invalid choice: 'upcomming'" in lazy_err and "upcoming" in lazy_err


def test_every_option_and_argument_says_what_it_is_for() -> None:
    missing = []
    for path in COMMAND_PATHS:
        parser = build_parser()
        for name in path:
            sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
            parser = sub.choices[name]
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            if not action.help:
                missing.append(f"timeline {' '.join(path)} {action.option_strings or action.dest}")
    assert missing == []


@pytest.mark.parametrize("argv", [["--help"], ["--version"], []], ids=str)
def test_help_and_version_import_no_command(argv: list[str]) -> None:
    code, modules = _imported(*argv)
    assert code in (0, 2)
    assert _under(modules, SERVER_SIDE + CLIENT_SIDE) == set()
    assert _under(modules, ("timeline.commands",)) == {
        "timeline.commands",
        "timeline.commands.base",
    }


def test_a_client_command_imports_the_client_and_nothing_of_the_server(
    shared_server: str,
) -> None:
    code, modules = _imported(
        "timeline", "ahc-cybercrime", "--server", shared_server, env={"COLUMNS": "200"}
    )
    assert code == 0
    assert {"httpx", "timeline_client", "rich.table"} <= modules
    assert _under(modules, SERVER_SIDE) == set()
    assert "timeline.commands.client_write" not in modules  # only the module that runs


def test_a_client_command_on_a_server_that_is_down_stays_light() -> None:
    code, modules = _imported(
        "risks", "ahc-cybercrime", "--server", f"http://127.0.0.1:{free_port()}"
    )
    assert code == 3
    assert _under(modules, SERVER_SIDE) == set()


def test_event_dates_read_from_the_server_as_the_domain_words_them(shared_server: str) -> None:
    with Client(shared_server) as api:
        events = list(api.timeline("ahc-cybercrime"))
    qualified = [e for e in events if e.approximate or e.uncertain or e.precision != "day"]
    assert len(qualified) >= 3  # the demo has months, seasons and "early January" dates
    for event in events:
        assert event_when(event) == describe_fuzzy(parse_date(event.date)), event.date


def test_plain_http_without_a_proxy_skips_the_certificates_and_nothing_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    light = client_transport("http://127.0.0.1:8000")
    assert isinstance(light, httpx.HTTPTransport)
    assert client_transport("https://timeline.example.org") is None  # verified as ever
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.example.org:3128")
    assert client_transport("http://127.0.0.1:8000") is None  # the proxy is honoured


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[int]:
    """A TLS server on 127.0.0.1 with a self-signed certificate for 127.0.0.1; its port."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        with contextlib.suppress(OSError):
            connection, _ = listener.accept()
            with contextlib.suppress(OSError), context.wrap_socket(connection, server_side=True):
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield port
    listener.close()
    thread.join(timeout=5)


def test_the_light_transport_refuses_any_tls_server(tls_server: int) -> None:
    transport = client_transport("http://127.0.0.1:8000")
    assert transport is not None
    # A certificate valid for the address it is served on, that nothing here was told to
    # trust: were a request over TLS ever sent through this transport, it would fail, never
    # go through unverified.
    with httpx.Client(transport=transport) as client, pytest.raises(httpx.ConnectError) as err:
        client.get(f"https://127.0.0.1:{tls_server}/", timeout=5)
    assert "CERTIFICATE_VERIFY_FAILED" in str(err.value)
