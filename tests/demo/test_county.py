"""The county generator over consecutive years (`oilchain demo --scale
county --years 2`): bench/check_county.py finds every rule of the ledger
kept and every year's totals near its targets, and the same seed gives the
same rows again (its checksums)."""

import re
import sys
from pathlib import Path

import pytest

from oilchain.demo import demo_year

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture
def check_county(database_url, monkeypatch):
    """bench/check_county.py's main, in this process (under the tests' frozen clock) on the test database."""
    monkeypatch.setenv("OILCHAIN_DATABASE_URL", database_url)
    monkeypatch.syspath_prepend(str(BENCH))
    sys.modules.pop("check_county", None)  # a fresh list of failures each time
    import check_county

    return check_county


def checksum(output: str) -> str:
    found = re.findall(r"^RESULT checksum (\w+)$", output, re.MULTILINE)
    assert len(found) == 1, output[-2000:]
    return found[0]


def test_two_county_years_keep_the_rules_and_come_again_from_their_seed(runner, check_county, capsys):
    last = demo_year()
    made = runner.invoke(args=["demo", "--scale", "county", "--years", "2", "--seed", "11"])
    assert made.exit_code == 0, made.output
    assert f"{last - 1}: " in made.output and f"{last}: " in made.output

    assert check_county.main([]) == 0
    checked = capsys.readouterr().out
    assert "Checking " in checked and f"{last - 1}, {last}" in checked
    assert "Totals of %d" % (last - 1) in checked and "Totals of %d" % last in checked
    assert "0 check(s) failed" in checked and "[FAIL]" not in checked
    first = checksum(checked)

    again = runner.invoke(args=["demo", "--reset", "--yes", "--scale", "county", "--years", "2", "--seed", "11"])
    assert again.exit_code == 0, again.output
    assert check_county.main(["--checksums"]) == 0
    assert checksum(capsys.readouterr().out) == first


def test_years_are_for_the_county_scale(runner):
    result = runner.invoke(args=["demo", "--years", "2"])
    assert result.exit_code != 0 and "--years is for --scale county" in result.output
