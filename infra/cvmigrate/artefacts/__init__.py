"""Everything the stack renders from its configuration, offline and pure: the KQL library (templates in
queries/), the alert rules of the catalogue (queries/alerts/catalogue.yaml), the migration workbook
(dashboards/workbook.layout.yaml.j2) and the query pack. :func:`render` computes them once per run.

- :mod:`.bundle`         ``render(cfg) -> Artefacts``, what the CLI, the Pulumi program and `status` consume.
- :mod:`.params`         builds the render parameters from a StackConfig (``build_params``).
- :mod:`.queries`        renders one query (``render_query``) or all of them (``render_all``).
- :mod:`.catalogue`      loads the alert catalogue and resolves it against a stack's thresholds.
- :mod:`.alert_queries`  renders each log alert's query from queries/ (``alert_rules``).
- :mod:`.workbook`       builds the Notebook/1.0 workbook JSON (``render_workbook_json``).
"""
from ..errors import ErrorClassesError
from .bundle import Artefacts, render
from .params import build_params, load_error_classes
from .queries import QUERY_NAMES, RenderedQuery, render_all, render_queries, render_query

__all__ = ["Artefacts", "ErrorClassesError", "QUERY_NAMES", "RenderedQuery", "build_params", "load_error_classes",
           "render", "render_all", "render_queries", "render_query"]
