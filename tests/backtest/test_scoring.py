"""Scoring against planted regressions, by hand: paged within the plant's span (delay in minutes and periods),
missed, outside the window, and false pages (episodes outside every plant of their workload)."""
from __future__ import annotations

import datetime as dt

import pytest

from cvmigrate.backtest.episodes import Episode, ReplayedRule
from cvmigrate.backtest.scoring import PlantedRegression, load_manifest, score
from cvmigrate.errors import BacktestError

H = dt.timedelta(hours=1)
RULE = ReplayedRule(name="legacy-regression", kind="metric", query="legacy_regression", text="", frequency=H,
                    window=H, operator="GreaterThan", threshold=0, evaluation_periods=1, min_failing=1,
                    dimensions=("Workload",), auto_mitigate=True, reach=H, stand_in_for="legacy-regression")
START, END = dt.datetime(2027, 3, 1), dt.datetime(2027, 4, 1)


def ep(workload, fired, last, cleared=None):
    return Episode({"Workload": workload}, fired, last, cleared, evaluations=int((last - fired) / H) + 1)


def test_paged_missed_outside_and_false_pages():
    night = PlantedRegression("a", dt.datetime(2027, 3, 6, 2), 2, 3.0)       # Saturday night
    office = PlantedRegression("b", dt.datetime(2027, 3, 10, 10), 3, 2.0)
    quiet = PlantedRegression("c", dt.datetime(2027, 3, 12, 14), 2, 2.0)     # never paged
    early = PlantedRegression("a", dt.datetime(2027, 2, 27, 10), 2, 2.0)     # before the window
    found = [ep("a", night.start + H, night.start + 2 * H, night.start + 3 * H),      # first closed hour: 1 period
             ep("b", office.start + 2 * H, office.start + 3 * H, office.start + 4 * H),  # 2 periods
             ep("b", dt.datetime(2027, 3, 20, 9), dt.datetime(2027, 3, 20, 9), dt.datetime(2027, 3, 20, 10)),
             ep("c", quiet.start + 4 * H, quiet.start + 4 * H)]          # after c's span + 1 period: false
    got = score(RULE, found, [night, office, quiet, early], START, END)
    results = {(r["workload"], r["start"]): (r["result"], r["delayMinutes"], r["delayPeriods"])
               for r in got["regressions"]}
    assert results == {("a", "2027-03-06T02:00:00Z"): ("paged", 60, 1),
                       ("b", "2027-03-10T10:00:00Z"): ("paged", 120, 2),
                       ("c", "2027-03-12T14:00:00Z"): ("missed", None, None),
                       ("a", "2027-02-27T10:00:00Z"): ("outside-window", None, None)}
    assert [(f["dimensions"]["Workload"], f["fired"]) for f in got["falsePages"]] == [
        ("b", "2027-03-20T09:00:00Z"), ("c", "2027-03-12T18:00:00Z")]
    assert got["summary"] == {"planted": 3, "paged": 2, "missed": 1, "outsideWindow": 1, "falsePages": 2,
                              "maxDelayPeriods": 2}


def test_a_page_for_another_workload_is_not_a_page_for_this_one():
    plant = PlantedRegression("a", dt.datetime(2027, 3, 6, 2), 2, 3.0)
    got = score(RULE, [ep("b", plant.start + H, plant.start + H)], [plant], START, END)
    assert got["summary"]["missed"] == 1 and got["summary"]["falsePages"] == 1


@pytest.mark.parametrize("text", ["regressions: [{workload: a}]", "- just a list", "regressions: [{workload: a, "
                                  "start: yesterday, hours: 2, factor: 2}]", "\x00binary"])
def test_an_unreadable_manifest_is_one_error_naming_the_source(tmp_path, text):
    path = tmp_path / "sample-manifest.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BacktestError) as err:
        load_manifest(path)
    assert err.value.field == "source" and "\n" not in str(err.value)
