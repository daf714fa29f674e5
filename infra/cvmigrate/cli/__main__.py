"""`python -m cvmigrate.cli ...` (the benchmarks and the resume test start the CLI this way)."""
import sys

from . import main

sys.exit(main())
