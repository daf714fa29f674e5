# cvmigrate — the two commands a user needs are `make test` and `make up ENV=<stack>`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
ENV ?= dev
STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
# Pulumi's local file backend inside the repo unless the user chose one.
PULUMI_BACKEND_URL ?= file://$(CURDIR)/.pulumi
export PULUMI_BACKEND_URL

.PHONY: test install up preview render demo bench clean check-pulumi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	touch $(STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NPM_STAMP)

install: $(STAMP) $(NPM_STAMP)

test: install
	$(VENV)/bin/pytest -q $(PYTEST_ARGS)

check-pulumi:
	@command -v pulumi >/dev/null 2>&1 || { \
	  echo "The pulumi CLI is not installed. Install it with:"; \
	  echo "  curl -fsSL https://get.pulumi.com | sh     (or: brew install pulumi/tap/pulumi)"; \
	  echo "then run 'make $(MAKECMDGOALS) ENV=$(ENV)' again."; \
	  exit 1; }

up: check-pulumi install
	mkdir -p .pulumi
	pulumi stack select $(ENV) 2>/dev/null || pulumi stack init $(ENV)
	pulumi up --stack $(ENV)

preview: check-pulumi install
	mkdir -p .pulumi
	pulumi stack select $(ENV) 2>/dev/null || pulumi stack init $(ENV)
	pulumi preview --stack $(ENV)

render: install
	$(VENV)/bin/cvmigrate render --stack $(ENV) --out out/$(ENV)

# Quick start, no Azure: a sample archive for the demo stack -> the cutover report -> the chart.
DEMO_STACK ?= examples/Pulumi.demo.yaml
DEMO_END ?= 2027-06-01T00:00:00Z
demo: install
	rm -rf out/demo && mkdir -p out/demo
	$(VENV)/bin/cvmigrate sample --stack $(DEMO_STACK) --out out/demo/archive --days 200 --seed 7 --end $(DEMO_END)
	$(VENV)/bin/cvmigrate status --stack $(DEMO_STACK) --source out/demo/archive --now $(DEMO_END) \
	  --chart out/demo/status.png; code=$$?; echo "status exit code: $$code (0 on track, 3 regression/off track)"; \
	  test $$code -eq 0 -o $$code -eq 3

# Benchmarks: speed and memory as ratios against a floor measured in the same run.
bench: install
	$(PY) benchmarks/bench_status.py
	$(PY) benchmarks/bench_backtest.py

clean:
	rm -rf $(VENV) node_modules out dist build
