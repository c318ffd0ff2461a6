"""`timeline seed --list`: every data set shipped in the package, named with its process."""

from __future__ import annotations

import pytest

from timeline.cli import main
from timeline.seed.dataset import available


def test_seed_list_names_every_data_set_with_its_title(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["seed", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = [line.split("\t")[0] for line in lines]
    assert names == available() and len(names) >= 11
    assert "ahc-cybercrime\tUN convention against cybercrime (Ad Hoc Committee)" in lines
    assert all(line.count("\t") == 1 and line.split("\t")[1] for line in lines)


def test_seed_without_a_name_says_how_to_find_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["seed"]) == 2
    assert capsys.readouterr().err == "timeline: name a data set to load, or --list them\n"
