"""``--holdout-after DATE|published``: a ``test`` split neither model can have seen.

The legacy iteration was trained on the images tagged before its ``trainedAt``; an AutoML model trains on
``train`` and selects on ``validation``. Images *created* after the cut-off therefore go to ``test`` and are
kept out of train and validation. ``published`` takes the cut-off from the published iteration the export
records (its ``trainedAt``). An image without a ``created`` date cannot be shown to be unseen: it stays in
train/validation (fail closed).
"""
from __future__ import annotations

import datetime as dt
from typing import Optional, Union

from ..errors import ExportError

PUBLISHED = "published"


def parse_holdout(spec: Optional[str]) -> Union[None, str, dt.datetime]:
    """None, ``"published"`` or an aware datetime (a bare date is midnight UTC); checked before any call."""
    if spec is None:
        return None
    text = spec.strip()
    if text.lower() == PUBLISHED:
        return PUBLISHED
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ExportError(f"{spec!r} is neither a date (2026-03-01 or 2026-03-01T12:00:00Z) nor 'published'",
                          field="holdout_after") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def parse_created(text: object) -> Optional[dt.datetime]:
    try:
        value = dt.datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def cutoff(spec: Union[str, dt.datetime], legacy: dict) -> tuple[dt.datetime, str]:
    """(cut-off, basis) where basis is ``published`` or ``date``."""
    if spec != PUBLISHED:
        return spec, "date"  # type: ignore[return-value]
    iteration = legacy.get("iteration") or {}
    trained = parse_created(iteration.get("trainedAt")) if legacy.get("published") else None
    if trained is None:
        raise ExportError("published: the project has no published iteration with a trainedAt; publish the "
                          "iteration you compare against, or give a date", field="holdout_after")
    return trained, PUBLISHED


def test_ids(created: dict[str, object], after: dt.datetime) -> list[str]:
    """Images created strictly after ``after``, sorted."""
    return sorted(i for i, text in created.items() if (c := parse_created(text)) is not None and c > after)


def record(after: dt.datetime, basis: str, legacy: dict) -> dict:
    """The manifest's ``holdout`` entry."""
    return {"after": after.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z"), "basis": basis,
            "trainedAt": (legacy.get("iteration") or {}).get("trainedAt"),
            "rule": "test = images created after `after`; they are in neither train nor validation"}
