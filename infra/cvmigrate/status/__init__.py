"""`cvmigrate status`: the cutover report from a local diagnostic archive (DuckDB) or a Log Analytics workspace.

- :mod:`.archive`  find and load a downloaded diagnostic-settings archive into DuckDB (skips counted by reason)
- :mod:`.sources`  run the rendered report queries locally, or as one Log Analytics batch
- :mod:`.report`   assemble the report document (schema: report.schema.json)
- :mod:`.output`   terminal / markdown / json text; :mod:`.chart` the PNG chart
- :mod:`.sample`   a realistic archive for a stack (`cvmigrate sample`)
"""
