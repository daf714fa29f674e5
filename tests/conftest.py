"""Shared test fixtures. Being a rootdir-less conftest in tests/, pytest puts tests/ on sys.path, so the
helper modules here (pulumi_harness, stacks, kusto_check) import the same way from every test folder."""
