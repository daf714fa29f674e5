"""`cvmigrate render --target adx`: Azure Data Explorer external tables over the diagnostic-settings archive in
place (queries/adx/archive_tables.kql) and the library queries to run against them, unchanged: two stored
functions give the archive Log Analytics' table names and columns (AzureDiagnostics,
AmlOnlineEndpointTrafficLog), so one query text serves Log Analytics, ADX and DuckDB."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

from .. import naming
from ..clouds import Cloud
from ..config.stack_config import StackConfig
from ..errors import UserError
from ..paths import queries_dir
from ..config.replacement_refs import ReplacementRef
from .queries import RenderedQuery, template_environment

TABLES = {"requests": "CvmArchiveRequestResponse", "traffic": "CvmArchiveAmlTraffic"}
REQUESTS_CONTAINER = "insights-logs-requestresponse"
TRAFFIC_CONTAINER = "insights-logs-amlonlineendpointtrafficlog"
_ACCOUNT_PROVIDER = "MICROSOFT.COGNITIVESERVICES/ACCOUNTS"
_READS_METRICS = re.compile(r"^\s*\(?AzureMetrics\b", re.MULTILINE)


class AdxError(UserError):
    """The stack does not say enough to write the external tables (``field``: the missing input)."""


@dataclass(frozen=True)
class AdxArtefacts:
    setup: str                              # adx/archive_tables.kql
    queries: dict[str, str]                 # adx/queries/<name>.kql


def archive_account(cfg: StackConfig, override: Optional[str] = None) -> str:
    if override:
        return override
    name = naming.archive_account_name(cfg)
    if name is None:
        raise AdxError("is needed: the stack has no cvmigrate:archive storage account; name the account its "
                       "diagnostic settings write to", field="storage_account")
    return name


def account_resource_ids(cfg: StackConfig, subscription: Optional[str], refs: Sequence[ReplacementRef]) -> list[str]:
    """Upper-case resource IDs of every Cognitive Services account the queries read: the legacy accounts and the
    replacement accounts (Foundry, Document Intelligence, Face). Accounts the stack creates are in its resource
    group, in ``subscription`` (default: the stack's ``azure-native:subscriptionId``); ``refs``: the run's
    replacement refs (``Artefacts.refs``)."""
    subscription = subscription or cfg.subscription_id or None
    ids: list[str] = []
    missing: list[str] = []
    for account in cfg.legacy_accounts:
        if account.id is not None:
            ids.append(account.id.raw.upper())
        else:
            missing.append(account.name)
    missing += [r.name for r in refs if r.target != "automl"]
    if missing and not subscription:
        raise AdxError(f"is needed: accounts {', '.join(sorted(set(missing)))} are created by the stack and their "
                       "archive folders carry its subscription ID", field="subscription")
    for name in missing:
        ids.append(f"/SUBSCRIPTIONS/{subscription}/RESOURCEGROUPS/{cfg.resource_group.name}/PROVIDERS/"
                   f"{_ACCOUNT_PROVIDER}/{name}".upper())
    return sorted(set(ids))


def render_adx(cfg: StackConfig, queries: Mapping[str, RenderedQuery], cloud: Cloud, *,
               refs: Sequence[ReplacementRef], storage_account: Optional[str] = None, subscription: Optional[str] = None) -> AdxArtefacts:
    account = archive_account(cfg, storage_account)
    base = cloud.blob_url(account)
    params = {
        "tables": TABLES, "storage_account": account,
        "request_uris": [f"{base}/{REQUESTS_CONTAINER}/resourceId={rid}"
                         for rid in account_resource_ids(cfg, subscription, refs)],
        "traffic_uri": f"{base}/{TRAFFIC_CONTAINER}",
    }
    text = template_environment(str(queries_dir() / "adx")).get_template("archive_tables.kql").render(**params)
    setup = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    # The Log Analytics queries read the archive's tables; Resource Graph ones (inventory) do not, and those reading
    # AzureMetrics (pipeline_health) have no external table over insights-metrics-pt1m yet.
    return AdxArtefacts(setup=setup, queries={name: q.text for name, q in queries.items()
                                              if q.source == "logs" and not _READS_METRICS.search(q.text)})


def commands(setup: str) -> list[str]:
    """The control commands of the setup file (blank-line separated, comments dropped), one per entry."""
    body = "\n".join(line for line in setup.splitlines() if not line.lstrip().startswith("//"))
    return [block.strip() for block in re.split(r"\n\s*\n(?=\.)", body) if block.strip()]
