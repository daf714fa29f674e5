"""A realistic diagnostic archive for a stack's workloads, in the layout Azure writes to a storage account
(see :mod:`cvmigrate.report.archive` for the layout and the record schema it follows).

What it contains, per workload (config order i = 0, 1, 2 ...):

- hourly traffic shaped like a working week (:mod:`.traffic_shape`): office-hour peaks, quiet nights, weekends
  at a quarter, public holidays at a fifth, log-normal day-to-day noise per stream, Poisson-like counts;
- legacy calls declining at a different speed per workload (to 5 %, 40 %, 80 % ... of the starting volume),
  split over the workload's legacy accounts (Custom Vision: 85 % prediction, 15 % training);
- replacement calls rising by as much as legacy falls, for every replacement target the stack configures
  (AutoML endpoints in the AML traffic container, Foundry / Document Intelligence / Face accounts as
  Cognitive Services RequestResponse records); a workload without a replacement gets none;
- about 1 % background errors (400 and 5xx), and bursts: 401 (a key of the other resource), 404 (an
  unpublished iteration) and 429 (throttling), one of each inside the last week;
- workloads in state cut-over or decommissioned drop to 1 % of their legacy traffic at 60 % of the period (the
  clients nobody migrated: what legacy-after-cutover reports);
- planted regressions (``plants``; default: the first dual-run workload at 4x its seasonal level, at least 60
  calls an hour, in the last ``REGRESSION_HOURS`` hours), written to ``sample-manifest.yaml`` with their
  seasonal baseline;
- duplicate deliveries (``duplicate_rate`` of the records written twice, counted in the manifest); the archive
  starts and ends where ``end`` and ``days`` put it, usually mid-week (the manifest says so), so the first and
  the current week are partial;
- a few corrupt (truncated) lines and records the loader must skip (another resource type, an unknown category);
- the platform metrics of every Cognitive Services account (TotalCalls, SuccessfulCalls, errors per minute in
  ``insights-metrics-pt1m``, consistent with the logs: :mod:`.synthetic_metrics`), and the broken log pipelines
  asked for (``broken``: an account's logs stop at a given hour while its metrics go on), in the manifest.

Custom Vision OperationName values are not documented; the sample uses the REST operation IDs as stand-ins.
Deterministic: the same stack, seed, days, end and volume give byte-identical files.
"""
from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence

import yaml

from .. import naming
from .synthetic_metrics import BrokenPipeline, MetricsRecorder
from .traffic_shape import day_noise, hour_factor
from ..config.replacement_refs import ReplacementRef

REGRESSION_HOURS = 3
DUPLICATE_RATE = 0.002          # share of records written twice
MANIFEST = "sample-manifest.yaml"


@dataclass(frozen=True)
class Plant:
    """A planted regression: ``workload``'s legacy calls are ``factor`` x their seasonal level for ``hours``
    hours from ``start`` (naive UTC, on the hour), at least 60 calls an hour."""
    workload: str
    start: dt.datetime
    hours: int
    factor: float
BASE_DAILY = (480, 320, 200, 140, 100)     # starting legacy calls per day, by workload position
FINAL_SHARE = (0.05, 0.4, 0.8, 0.6, 0.3)       # legacy volume at the end, as a share of the start
OPERATIONS = {
    "Prediction": ("ClassifyImage", "DetectImage", "ClassifyImageUrl"),
    "Training": ("GetIterations", "TrainProject", "CreateImagesFromFiles", "PublishIteration"),
    "ImageAnalysis": ("AnalyzeImage", "Read"),           # CV 3.2 operationIds (queries/ia_operations.yaml)
}
BURSTS = ((401, 0, 2, 180), (429, 0, 4, 240), (404, 1, 1, 120))  # status, workload position, days before end, calls

_DIAG = ('{{"time":"{time}","resourceId":"{rid}","category":"RequestResponse","operationName":"{op}",'
         '"resultSignature":"{status}","durationMs":{dur},"callerIpAddress":"{ip}","correlationId":"{cid}",'
         '"location":"{loc}","Tenant":"{loc}","event":"ShoeboxCallResult",'
         '"properties":{{"apiName":"{api}","requestLength":{req},"responseLength":{resp}{extra}}}}}')
_AML = ('{{"time":"{time}","resourceId":"{rid}","category":"AmlOnlineEndpointTrafficLog","operationName":'
        '"Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action","location":"{loc}",'
        '"properties":{{"EndpointName":"{endpoint}","DeploymentName":"blue","Method":"POST","Path":"/score",'
        '"Protocol":"HTTP/1.1","ResponseCode":{status},"ResponseCodeReason":"{reason}","ModelStatusCode":{status},'
        '"RequestPayloadSize":{req},"ResponsePayloadSize":{resp},"TotalDurationMs":{dur},"RequestDurationMs":2,'
        '"ResponseDurationMs":1,"AuthType":"AADToken","XRequestId":"{cid}"}}}}')
_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 429: "Too Many Requests",
            500: "Internal Server Error", 503: "Service Unavailable"}


@dataclass
class SampleSummary:
    out: Path
    files: int = 0
    records: int = 0
    corrupt_lines: int = 0
    skippable_records: int = 0
    regressing_workload: str = ""
    duplicates: int = 0
    metric_files: int = 0
    metric_records: int = 0
    manifest: Optional[Path] = None
    legacy_calls: dict[str, int] = field(default_factory=dict)       # workload -> legacy records written
    replacement_calls: dict[str, int] = field(default_factory=dict)
    without_replacement: list[str] = field(default_factory=list)


@dataclass
class _Stream:
    """One resource's calls: a legacy account or a replacement target."""
    workload: str
    position: int
    legacy: bool
    label: str                # Prediction | Training | ImageAnalysis | automl | foundry | ...
    name: str
    resource_id: str
    share: float              # share of the workload's legacy (or replacement) volume
    deployment: str = ""


def _subscription(cfg: Any) -> str:
    return naming.stable_uuid("cvmigrate-sample-subscription", cfg.environment)


def _legacy_resource_id(cfg: Any, account: Any) -> str:
    if account.id is not None:
        return str(account.id).upper()
    return (f"/SUBSCRIPTIONS/{_subscription(cfg).upper()}/RESOURCEGROUPS/{cfg.resource_group.name.upper()}"
            f"/PROVIDERS/MICROSOFT.COGNITIVESERVICES/ACCOUNTS/{account.name.upper()}")


def _streams(cfg: Any, refs: Sequence[ReplacementRef]) -> tuple[list[_Stream], list[str]]:
    rg = cfg.resource_group.name.upper()
    sub = _subscription(cfg).upper()
    streams: list[_Stream] = []
    missing: list[str] = []
    for pos, w in enumerate(cfg.workloads):
        accounts = w.legacy_accounts
        for a in accounts:
            share = 1.0 if len(accounts) == 1 else (0.85 if a.label == "Prediction" else 0.15 / max(1, len(accounts) - 1))
            streams.append(_Stream(w.name, pos, True, a.label, a.name, _legacy_resource_id(cfg, a), share))
        mine = [r for r in refs if r.workload == w.name]
        if not mine:
            missing.append(w.name)
        for r in mine:
            if r.target == "automl":
                rid = (f"/SUBSCRIPTIONS/{sub}/RESOURCEGROUPS/{rg}/PROVIDERS/MICROSOFT.MACHINELEARNINGSERVICES"
                       f"/WORKSPACES/MLW-{naming.slug(cfg.environment).upper()}/ONLINEENDPOINTS/{r.name.upper()}")
            else:
                rid = (f"/SUBSCRIPTIONS/{sub}/RESOURCEGROUPS/{rg}/PROVIDERS/MICROSOFT.COGNITIVESERVICES"
                       f"/ACCOUNTS/{r.name.upper()}")
            streams.append(_Stream(w.name, pos, False, r.target, r.name, rid, 1.0 / len(mine),
                                   r.deployments[0] if r.deployments else ""))
    return streams, missing


def regressing_workload(cfg: Any) -> Optional[str]:
    """The workload the sample plants a seasonal regression in: the first dual-run one (only dual-run
    workloads regress; planned ones are not migrating, cut-over ones are legacy-after-cutover's)."""
    return next((w.name for w in cfg.workloads if w.cutover.state == "dual-run"), None)


def _legacy_daily(position: int, day: int, days: int, cut_over: bool) -> float:
    base = BASE_DAILY[position % len(BASE_DAILY)]
    if cut_over and day >= int(days * 0.6):
        return base * 0.01
    final = FINAL_SHARE[position % len(FINAL_SHARE)]
    return base * (1.0 - (1.0 - final) * day / max(1, days - 1))


def write_sample(cfg: Any, out: Path | str, *, refs: Sequence[ReplacementRef], days: int = 120, seed: int = 7,
                 end: Optional[dt.datetime] = None, records: Optional[int] = None,
                 corrupt: int = 5, plants: Optional[Sequence[Plant]] = None,
                 duplicate_rate: float = DUPLICATE_RATE, broken: Sequence[BrokenPipeline] = (),
                 metrics: bool = True) -> SampleSummary:
    """Write the archive under ``out`` for ``cfg`` and its replacement refs (``refs``, worked out once by the
    caller); ``end`` (default: today 00:00 UTC) is the end of the last hour written; ``records`` scales every
    volume so the archive holds about that many records. ``plants``: the
    regressions to plant (default: the first dual-run workload at 4x over the last ``REGRESSION_HOURS`` hours);
    each goes to the manifest (``sample-manifest.yaml``) with its seasonal baseline and the calls written.
    ``duplicate_rate``: share of records delivered twice (storage export is at-least-once). ``metrics``: also
    write the accounts' platform metrics (``insights-metrics-pt1m``); ``broken``: accounts whose RequestResponse
    logs stop at a given hour (their metrics go on), listed in the manifest. The records drawn are the same
    whatever ``metrics`` and ``broken`` say: only what is written differs."""
    if days < 1:
        raise ValueError("days must be at least 1")
    out = Path(out)
    end = (end or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(
        minute=0, second=0, microsecond=0, tzinfo=None)
    start = end - dt.timedelta(days=days)
    rng = random.Random(seed)
    streams, missing = _streams(cfg, refs)
    regress = regressing_workload(cfg)
    if plants is None:
        plants = [Plant(regress, end - dt.timedelta(hours=REGRESSION_HOURS), REGRESSION_HOURS, 4.0)] if regress else []
    summary = SampleSummary(out=out, regressing_workload=plants[0].workload if plants else "",
                            without_replacement=missing)
    planted = {(p.workload, p.start + dt.timedelta(hours=k)): p for p in plants for k in range(p.hours)}
    baseline: dict[Plant, float] = {}
    planted_calls: dict[Plant, int] = {}
    positions = {w.name: i for i, w in enumerate(cfg.workloads)}
    cut_over = {w.name for w in cfg.workloads if w.cutover.state in ("cut-over", "decommissioned")}
    has_replacement = {s.workload for s in streams if not s.legacy}
    recorder = MetricsRecorder()
    cut = {b.account.lower(): b.start for b in broken}
    unknown = set(cut) - {s.name.lower() for s in streams if s.label != "automl"}
    if unknown:
        raise ValueError(f"no Cognitive Services account {', '.join(sorted(unknown))} in the stack")

    scale = 1.0
    if records:
        expected = sum(_legacy_daily(positions[w.name], d, days, w.name in cut_over)
                       + (BASE_DAILY[positions[w.name] % len(BASE_DAILY)]
                          - _legacy_daily(positions[w.name], d, days, w.name in cut_over)
                          if w.name in has_replacement else 0)
                       for w in cfg.workloads for d in range(days))
        scale = records / expected if expected else 1.0

    bursts = {}
    for status, pos, days_before, calls in BURSTS:
        if pos < len(cfg.workloads) and days_before < days:
            hour = end - dt.timedelta(days=days_before) + dt.timedelta(hours=rng.randrange(8, 18))
            bursts[(cfg.workloads[pos].name, hour)] = (status, int(calls * max(scale, 0.05)) or 1)

    written: list[Path] = []
    candidates: list[Path] = []     # every blob the traffic fills, written or lost to a broken pipeline
    for index, s in enumerate(streams):
        ips = [f"10.{20 + s.position}.{k}.***" for k in range(1, 4)] + ["52.174.3.***"]
        loc = cfg.location
        for h in range(days * 24):
            hour = start + dt.timedelta(hours=h)
            day = h // 24
            legacy_day = _legacy_daily(s.position, day, days, s.workload in cut_over)
            base = BASE_DAILY[s.position % len(BASE_DAILY)]
            daily = legacy_day if s.legacy else (base - legacy_day)
            # Office-hour peaks, quiet nights, weekends and holidays; a little day-to-day noise per stream.
            expected = (daily * s.share * scale / 24.0 * hour_factor(hour)
                        * day_noise(seed, index, hour.date()))
            plant = planted.get((s.workload, hour)) if s.legacy else None
            if plant is not None:
                baseline[plant] = baseline.get(plant, 0.0) + expected
                expected = max(60.0 * s.share, plant.factor * expected)
            n = _count(rng, expected)
            burst = bursts.get((s.workload, hour)) if s.legacy and s.label != "Training" else None
            if n == 0 and burst is None:
                continue
            lines = []
            seconds = sorted(rng.randrange(3600) for _ in range(n))
            statuses = [_status(rng) for _ in range(n)]
            if burst is not None:
                status, count = burst
                seconds += sorted(rng.randrange(3600) for _ in range(count))
                statuses += [status] * count
            for sec, status in zip(seconds, statuses):
                t = hour + dt.timedelta(seconds=sec, microseconds=rng.randrange(1_000_000))
                lines.append(_record(s, t, status, rng, ips, loc))
            if s.label != "automl":
                recorder.add(s.resource_id, hour, seconds, statuses)
            # At-least-once delivery: a few records arrive twice, byte for byte.
            twice = [line for line in lines if rng.random() < duplicate_rate]
            if s.name.lower() in cut and hour >= cut[s.name.lower()]:
                candidates.append(_blob_path(out, s, hour))
                continue                    # a broken log pipeline: the calls happen, their logs never arrive
            if plant is not None:
                planted_calls[plant] = planted_calls.get(plant, 0) + len(lines)
            if s.legacy:
                summary.legacy_calls[s.workload] = summary.legacy_calls.get(s.workload, 0) + len(lines)
            else:
                summary.replacement_calls[s.workload] = summary.replacement_calls.get(s.workload, 0) + len(lines)
            path = _blob_path(out, s, hour)
            path.parent.mkdir(parents=True, exist_ok=True)
            summary.records += len(lines)
            summary.duplicates += len(twice)
            path.write_text("\n".join(lines + twice) + "\n", encoding="utf-8")
            written.append(path)
            candidates.append(path)

    # Damage a few blobs the way an interrupted download does: a truncated last line.
    for path in sorted(rng.sample(candidates, min(corrupt, len(candidates)))):
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        path.write_text(text + text.splitlines()[-1][: 40] + "\n", encoding="utf-8")
        summary.corrupt_lines += 1
    summary.skippable_records += _write_noise(out, cfg, end, rng)
    summary.files = len(written) + 2
    if metrics:
        summary.metric_files, summary.metric_records = recorder.write(out)
    pipelines = [{"account": s.name, "resourceId": s.resource_id, "from": _iso(cut[s.name.lower()]),
                  "callsWithoutLogs": recorder.calls(s.resource_id, cut[s.name.lower()])}
                 for s in streams if s.name.lower() in cut and s.label != "automl"]
    summary.manifest = _write_manifest(out, seed, start, end, plants, baseline, planted_calls, summary, pipelines)
    return summary


def _count(rng: random.Random, expected: float) -> int:
    """Calls in an hour: Poisson-like around ``expected`` (normal approximation above 10, else rounding)."""
    if expected >= 10:
        return max(0, int(round(rng.gauss(expected, math.sqrt(expected)))))
    return int(expected) + (1 if rng.random() < expected - int(expected) else 0)


def _write_manifest(out: Path, seed: int, start: dt.datetime, end: dt.datetime, plants: Sequence[Plant],
                    baseline: dict, calls: dict, summary: "SampleSummary", pipelines: list) -> Path:
    """What was planted, for `cvmigrate backtest` and the tests (YAML: the archive loader ignores it)."""
    iso = _iso
    doc = {
        "seed": seed, "start": iso(start), "end": iso(end),
        "startsMidWeek": start.weekday() != 6 or start.hour != 0,
        "endsMidWeek": end.weekday() != 6 or end.hour != 0,
        "duplicates": summary.duplicates, "corruptLines": summary.corrupt_lines,
        "regressions": [{"workload": p.workload, "start": iso(p.start), "hours": p.hours, "factor": p.factor,
                         "seasonalBaselineCalls": round(baseline.get(p, 0.0), 1), "callsWritten": calls.get(p, 0)}
                        for p in plants],
        "metricRecords": summary.metric_records,
        "brokenPipelines": pipelines,
    }
    path = out / MANIFEST
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def _iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _status(rng: random.Random) -> int:
    x = rng.random()
    if x < 0.006:
        return 400
    if x < 0.009:
        return 500
    if x < 0.010:
        return 503
    return 200


def _record(s: _Stream, t: dt.datetime, status: int, rng: random.Random, ips: list[str], loc: str) -> str:
    time = t.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"
    cid = "%08x-%04x-4%03x-8%03x-%012x" % (rng.getrandbits(32), rng.getrandbits(16), rng.getrandbits(12),
                                           rng.getrandbits(12), rng.getrandbits(48))
    dur = int(rng.lognormvariate(5.0, 0.5)) + (0 if status == 200 else 5)
    req, resp = rng.randrange(20_000, 900_000), rng.randrange(200, 4000)
    if s.label == "automl":
        return _AML.format(time=time, rid=s.resource_id, loc=loc, endpoint=s.name, status=status,
                           reason=_REASONS.get(status, ""), req=req, resp=resp, dur=dur, cid=cid)
    if s.legacy:
        op = rng.choice(OPERATIONS[s.label])
        api = "Custom Vision Prediction API v3.1" if s.label == "Prediction" else (
            "Custom Vision Training API v3.3" if s.label == "Training" else "Computer Vision API v3.2")
        extra = ""
    else:
        op = {"foundry": "ChatCompletions_Create", "documentIntelligence": "DocumentModels_AnalyzeDocument",
              "face": "Face_Detect"}.get(s.label, "Call")
        api = s.label
        extra = f',"modelDeploymentName":"{s.deployment}"' if s.deployment else ""
    ip = ips[0] if rng.random() < 0.6 else rng.choice(ips)
    return _DIAG.format(time=time, rid=s.resource_id, op=op, status=status, dur=dur, ip=ip, cid=cid, loc=loc,
                        api=api, req=req, resp=resp, extra=extra)


def _blob_path(out: Path, s: _Stream, hour: dt.datetime) -> Path:
    container = "insights-logs-amlonlineendpointtrafficlog" if s.label == "automl" else "insights-logs-requestresponse"
    return (out / container / ("resourceId=" + s.resource_id) / f"y={hour:%Y}" / f"m={hour:%m}" / f"d={hour:%d}" / f"h={hour:%H}" / "m=00" / "PT1H.json")


def _write_noise(out: Path, cfg: Any, end: dt.datetime, rng: random.Random) -> int:
    """Records a real archive holds next to ours: a storage account's logs in a category of its own, and a
    RequestResponse record of another resource type. The loader must count and skip both."""
    hour = end - dt.timedelta(hours=1)
    sub = _subscription(cfg).upper()
    other = (f"/SUBSCRIPTIONS/{sub}/RESOURCEGROUPS/{cfg.resource_group.name.upper()}/PROVIDERS/MICROSOFT.STORAGE"
             f"/STORAGEACCOUNTS/STSAMPLE{naming.alnum(cfg.environment).upper()}/BLOBSERVICES/DEFAULT")
    time = hour.strftime("%Y-%m-%dT%H:%M:%S.0000000Z")
    storage = [f'{{"time":"{time}","resourceId":"{other}","category":"StorageRead","operationName":"GetBlob",'
               f'"statusCode":200,"durationMs":{rng.randrange(1, 9)}}}' for _ in range(3)]
    mixed = [f'{{"time":"{time}","resourceId":"{other}","category":"RequestResponse","operationName":"GetBlob",'
             f'"resultSignature":"200","durationMs":3}}' for _ in range(2)]
    for container, lines in (("insights-logs-storageread", storage), ("insights-logs-requestresponse", mixed)):
        path = (out / container / ("resourceId=" + other) / f"y={hour:%Y}" / f"m={hour:%m}" / f"d={hour:%d}"
                / f"h={hour:%H}" / "m=00" / "PT1H.json")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(storage) + len(mixed)
