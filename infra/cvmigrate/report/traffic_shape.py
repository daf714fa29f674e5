"""The shape of a week of Custom Vision / Image Analysis traffic, for the synthetic archive (`cvmigrate sample`)
and the tests built on it: office-hour peaks, quiet nights, weekends, public holidays, day-to-day noise.

``hour_factor(t)`` multiplies a workload's average calls per hour; over a working day it averages 1.0."""
from __future__ import annotations

import datetime as dt
import math
import random

# Weekday profile (UTC hours 0..23): a morning ramp, two office peaks around a lunch dip, a quiet night.
_WEEKDAY = (0.15, 0.1, 0.1, 0.1, 0.15, 0.3, 0.6, 1.2, 1.9, 2.1, 2.1, 1.9, 1.6, 1.9, 2.1, 2.0, 1.8, 1.3, 0.8, 0.5,
            0.35, 0.3, 0.25, 0.2)
WEEKDAY = tuple(v * 24 / sum(_WEEKDAY) for v in _WEEKDAY)
WEEKEND_FACTOR = 0.25            # Saturday and Sunday carry a quarter of a weekday's traffic, same hours
HOLIDAY_FACTOR = 0.2             # public holidays look like a quiet Sunday
HOLIDAYS = {(1, 1), (5, 1), (12, 24), (12, 25), (12, 26), (12, 31)}   # (month, day), every year
DAY_NOISE_SIGMA = 0.05           # log-normal day-to-day variation per stream


def is_holiday(day: dt.date) -> bool:
    return (day.month, day.day) in HOLIDAYS


def hour_factor(t: dt.datetime) -> float:
    base = WEEKDAY[t.hour]
    if is_holiday(t.date()):
        return base * HOLIDAY_FACTOR
    return base * (WEEKEND_FACTOR if t.weekday() >= 5 else 1.0)


def day_noise(seed: int, stream: int, day: dt.date) -> float:
    """A deterministic log-normal factor for one stream on one day (independent of everything else drawn)."""
    rng = random.Random(f"{seed}/{stream}/{day.isoformat()}")
    return math.exp(rng.gauss(0.0, DAY_NOISE_SIGMA))
