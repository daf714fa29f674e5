"""GPU VM sizes for AutoML image training, from the data table ``gpu_sizes.yaml`` (sources cited there):
retired sizes fail validation, retiring ones warn with their date, unknown N-series sizes warn."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

from ..paths import load_data_yaml

SIZES_FILE = Path(__file__).resolve().parent.parent / "gpu_sizes.yaml"
N_SERIES = re.compile(r"Standard_N[CDGV]", re.IGNORECASE)
SUGGESTED = "Standard_NC4as_T4_v3 (T4) or Standard_NC24ads_A100_v4 (A100)"


@dataclass(frozen=True)
class GpuSeries:
    name: str
    sizes: tuple[str, ...]
    retired: Optional[dt.date]
    cuda: bool
    source: str


@dataclass(frozen=True)
class SizeVerdict:
    error: bool          # False: a warning
    message: str
    fix: str


@lru_cache(maxsize=1)
def gpu_series() -> tuple[GpuSeries, ...]:
    data = load_data_yaml(SIZES_FILE.read_text(encoding="utf-8"))["series"]
    return tuple(GpuSeries(name=s["name"], sizes=tuple(s["sizes"]), retired=s.get("retired"),
                           cuda=bool(s.get("cuda", False)), source=s["source"]) for s in data)


def series_of(sku: str) -> Optional[GpuSeries]:
    for series in gpu_series():
        if sku.lower() in (size.lower() for size in series.sizes):
            return series
    return None


def has_gpu(sku: str) -> bool:
    series = series_of(sku)
    return series.cuda if series else bool(N_SERIES.match(sku))


def check_training_size(sku: str, today: dt.date) -> Optional[SizeVerdict]:
    """None when ``sku`` is a current NVIDIA GPU size; otherwise why not, as an error or a warning."""
    series = series_of(sku)
    where = "learn.microsoft.com/azure/virtual-machines/sizes (see infra/cvmigrate/gpu_sizes.yaml)"
    if series is not None and series.retired is not None:
        when = series.retired.isoformat()
        if series.retired <= today:
            return SizeVerdict(True, f"'{sku}' is a {series.name} size, which Azure retired on {when}: the "
                               "compute cluster cannot be created.", f"use a current GPU size, e.g. {SUGGESTED}.")
        return SizeVerdict(False, f"'{sku}' is a {series.name} size, which Azure retires on {when}; jobs on "
                           "it stop then.", f"move to a current GPU size, e.g. {SUGGESTED}.")
    if series is not None and not series.cuda:
        return SizeVerdict(False, f"'{sku}' ({series.name}) has no NVIDIA GPU: AutoML image tasks train on "
                           "NVIDIA GPUs only, so jobs on this cluster fail.", f"use e.g. {SUGGESTED}.")
    if series is not None:
        return None
    if N_SERIES.match(sku):
        return SizeVerdict(False, f"'{sku}' is not in cvmigrate's table of current GPU sizes, so its "
                           f"availability and retirement are unchecked.", f"check it on {where}, or use {SUGGESTED}.")
    return SizeVerdict(False, f"'{sku}' has no GPU: AutoML image classification and object detection only "
                       "train on GPU VM sizes, so jobs on this cluster fail.", f"use an N-series GPU size, e.g. {SUGGESTED}.")
