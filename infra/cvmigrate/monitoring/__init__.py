"""What the on-call engineer and the migration lead look at: the alert catalogue (dashboards/alerts.yaml)
rendered into rules, the migration workbook (dashboards/workbook.layout.yaml.j2) and the query pack.

- :mod:`.catalogue`  loads the alert catalogue and resolves it against a stack's thresholds.
- :mod:`.alert_queries` renders each log alert's query from queries/ (``rule_queries``).
- :mod:`.workbook`   builds the Notebook/1.0 workbook JSON (``build_workbook``, ``canonical_json``).
"""
