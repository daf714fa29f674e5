"""The bundled KQL library: templates in queries/, rendered with a stack's parameters.

- :mod:`.params`  builds the render parameters from a StackConfig (``build_params``).
- :mod:`.render`  renders one query (``render_query``) or all of them (``render_all``).
- :mod:`.duck`    runs a rendered query on DuckDB through duckdb-kql (local archives, tests).
"""
from .params import ErrorClassesError, build_params, load_error_classes
from .render import QUERY_NAMES, RenderedQuery, render_all, render_queries, render_query

__all__ = ["ErrorClassesError", "QUERY_NAMES", "RenderedQuery", "build_params", "load_error_classes",
           "render_all", "render_queries", "render_query"]
