"""Azure Content Understanding as a replacement target: analyzer definitions (kept as data in the stack config),
a REST client for its analyzers API and an idempotent sync (`cvmigrate analyzers`).

Modules: service (service.yaml: api-version, regions, limits), definition (typed analyzer definitions and their
request bodies), client (REST calls), sync (create / leave / replace each analyzer).
"""
