"""`cvmigrate backtest`: every alert rule of a stack replayed over a window of its diagnostic archive, with
``now()`` frozen at each evaluation, and the regression rule scored against the sample's planted regressions.

- :mod:`.replay`     stages the archive once and runs a rendered query at many evaluation times in batches.
- :mod:`.episodes`   the rules replayed (log rules as deployed, dynamic-threshold rules through their stand-in),
                     violations per dimension combination, episodes (fired, cleared).
- :mod:`.scoring`    the sample manifest's planted regressions: paged or missed, delay, false pages.
- :mod:`.plan`       :func:`run_backtest`, the report.
- :mod:`.report_text`  the report as a table, markdown or JSON.
"""
from .plan import run_backtest

__all__ = ["run_backtest"]
