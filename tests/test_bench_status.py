"""The status benchmark (benchmarks/bench_status.py) runs end to end on a small archive, so it cannot rot: every
case of issue #16 is measured against DuckDB's own read of the same files in the same run, each status run exits
0 or 3 (the benchmark fails otherwise), and the re-run from the cache reads nothing again."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_small_version_of_the_status_benchmark_reports_every_case(capsys):
    spec = importlib.util.spec_from_file_location("bench_status", ROOT / "benchmarks" / "bench_status.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--records", "1000", "--days", "3", "--blobs", "100", "--azurite-blobs", "30",
                       "--latency-ms", "5"]) == 0
    doc = json.loads(capsys.readouterr().out)
    cases = {c["case"]: c for c in doc["cases"]}
    assert list(cases) == ["big", "rerun", "day", "small", "blob"]
    for case in ("big", "small", "blob"):
        floor, run = cases[case]["floor"], cases[case]["noCache"]
        assert floor["wallSeconds"] > 0 and run["peakRssMiB"] > 0
        assert cases[case]["ratio"]["noCacheWall"] == round(run["wallSeconds"] / floor["wallSeconds"], 3)
    assert cases["small"]["files"] == 100 and cases["blob"]["files"] == 30 and cases["day"]["dayFiles"] > 0
    assert 0 < cases["rerun"]["ratio"]["ofFirstRun"] < 1 and cases["rerun"]["filesRead"] == 0
    assert cases["day"]["filesRead"] == cases["day"]["dayFiles"] < cases["day"]["twoDayFiles"]
    assert cases["day"]["filesReadTwo"] == cases["day"]["twoDayFiles"]
    assert isinstance(cases["day"]["met"], bool) and cases["day"]["ratio"]["addedDayOfFirstRunPerDay"] > 0
    # the split: the same cache with the answers forgotten reads no file and runs every query
    assert cases["day"]["filesReadAfresh"] == 0 and cases["day"]["queriesAfresh"]["wallSeconds"] > 0
    assert cases["day"]["daysOwnSeconds"] == round(max(cases["day"]["addedDay"]["wallSeconds"]
                                                       - cases["day"]["queriesAfresh"]["wallSeconds"], 0), 2)
    day = cases["day"]
    assert abs(day["secondDaySeconds"] - (day["twoDaysOwnSeconds"] - day["daysOwnSeconds"])) < 0.02
