"""`cvmigrate status`: the cutover report from a local diagnostic archive (DuckDB) or a Log Analytics workspace.

- :mod:`.archive`  find and load a downloaded diagnostic-settings archive into DuckDB (skips counted by reason)
- :mod:`.sources`  run the rendered report queries locally, or as one Log Analytics batch
- :mod:`.cutover`  assemble the report document (schema: report.schema.json)
- :mod:`.duck`     runs a rendered query on DuckDB through duckdb-kql (local archives, tests)
- :mod:`.output`   terminal / markdown / json text; :mod:`.chart` the PNG chart
- :mod:`.synthetic_archive` a realistic archive for a stack (`cvmigrate sample`)
"""
