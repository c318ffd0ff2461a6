"""Running `timeline` in-process in the tests of the client-side commands."""

from __future__ import annotations

import pytest

from timeline.cli import main

SLUG = "ahc-cybercrime"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command in-process; its exit code, standard output and standard error."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
