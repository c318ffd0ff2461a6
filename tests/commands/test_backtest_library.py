"""`timeline backtest` without a process: it asks for one, or for --library."""

from __future__ import annotations

import pytest

from timeline.cli import main


def test_backtest_needs_a_process_or_the_library(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["backtest", "--from", "2024-01-01", "--to", "2024-02-01"])
    assert code != 0
    assert "--process, --from and --to are required (or use --library)" in capsys.readouterr().err
