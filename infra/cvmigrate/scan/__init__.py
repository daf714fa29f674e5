"""`cvmigrate scan`: legacy Custom Vision / Image Analysis use in source trees (see signatures.yaml)."""
