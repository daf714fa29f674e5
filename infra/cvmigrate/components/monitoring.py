"""Monitoring: what the stack deploys for the on-call engineer and the migration lead.

- the migration workbook (applicationinsights.Workbook, kind shared, attached to the workspace);
- the environment's action group (receivers from ``cvmigrate:alerts``);
- one scheduled query rule per log alert of queries/alerts/catalogue.yaml, scoped to the workspace, whose query is
  the rendered queries/<name>.kql;
- one metric alert per legacy account of a dual-run workload: a dynamic threshold on the platform TotalCalls
  (legacy-regression; the seasonal baseline a log alert cannot hold within its 2-day query range);
- an activity log alert on ``Microsoft.Insights/diagnosticSettings/delete`` covering every resource that
  carries the stack's diagnostic setting (legacy accounts, replacements, key vaults, storage);
- a Log Analytics query pack holding the bundled queries (the workspace's Queries pane).

With ``cvmigrate:alerts.enabled: false`` the action group and every alert rule are left out; the workbook
and the query pack stay. Every name is deterministic: a second run changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import pulumi
from pulumi_azure_native import applicationinsights, monitor, operationalinsights

from .. import naming
from ..artefacts import Artefacts
from ..artefacts.workbook import display_name, workbook_name
from ..config import LegacyAccount, StackConfig
from ..config.alerts import AlertsConfig
from ..tags import ROLE_MONITORING, cvmigrate_tags
from .diagnostics import DiagnosedResource
from .providers import SubscriptionProviders

# Azure rejects a log alert rule whose properties exceed 64 KB (Azure Monitor service limits); the query is
# most of it. Large estates get a warning naming the rule rather than a failed deployment with no context.
RULE_QUERY_WARN_BYTES = 60_000
QUERY_PACK_CATEGORIES = ["monitor"]
QUERY_PACK_RESOURCE_TYPES = ["microsoft.operationalinsights/workspaces", "microsoft.cognitiveservices/accounts"]


@dataclass(frozen=True)
class LegacyAccountRef:
    """One legacy account and its live ARM ID (create-mode accounts get theirs at deployment)."""
    account: LegacyAccount
    id: pulumi.Input[str]


@dataclass
class MonitoringArgs:
    """Required: config, artefacts (the stack's rendered queries, alert rules and workbook:
    ``cvmigrate.artefacts.render(config)``, computed once per run), workspace_id, resource_group_name.
    Optional: diagnosed (every resource carrying the stack's diagnostic setting, ``Foundation.sink.diagnosed``:
    the activity log alert covers them), providers (foreign subscriptions' alerts go through them),
    legacy_accounts (the regression metric alerts watch the dual-run ones)."""
    config: StackConfig
    artefacts: Artefacts
    workspace_id: pulumi.Input[str]
    resource_group_name: pulumi.Input[str]
    diagnosed: Sequence[DiagnosedResource] = field(default_factory=list)
    providers: Optional[SubscriptionProviders] = None
    legacy_accounts: Sequence[LegacyAccountRef] = field(default_factory=list)


def rule_name(environment: str, alert: str) -> str:
    return f"cvm-{naming.slug(environment)}-{alert}"


def action_group_short_name(alerts: AlertsConfig, environment: str) -> str:
    return alerts.action_group_short_name or f"cvm-{naming.slug(environment)}"[:12].rstrip("-")


class Monitoring(pulumi.ComponentResource):
    workbook_id: pulumi.Output[str]
    action_group_id: Optional[pulumi.Output[str]]
    query_pack_id: pulumi.Output[str]
    rule_names: list[str]

    def __init__(self, name: str, args: MonitoringArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("cvmigrate:index:Monitoring", name, None, opts)
        cfg = args.config
        alerts = cfg.alerts
        self._cfg = cfg
        self._tags = cvmigrate_tags(cfg.environment, ROLE_MONITORING, extra=cfg.tags)
        self._rg = args.resource_group_name
        child = pulumi.ResourceOptions(parent=self)

        self.workbook_id = self._workbook(args, child)
        self.query_pack_id = self._query_pack(args.artefacts, child)

        self.action_group_id = None
        self.rule_names = []
        if alerts.enabled:
            group = self._action_group(alerts, child)
            self.action_group_id = group.id
            self._log_rules(args, group, child)
            self._metric_alerts(args, group)
            self._activity_alerts(args, group)

        self.register_outputs({
            "workbookId": self.workbook_id,
            "queryPackId": self.query_pack_id,
            "actionGroupId": self.action_group_id,
            "alertRules": self.rule_names,
        })

    # -- workbook ------------------------------------------------------------------------------------
    def _workbook(self, args: MonitoringArgs, child) -> pulumi.Output[str]:
        env = self._cfg.environment
        workbook = applicationinsights.Workbook(
            "workbook",
            resource_name_=workbook_name(env),
            resource_group_name=self._rg,
            location=self._cfg.location,
            kind="shared",
            category="workbook",
            display_name=display_name(env),
            serialized_data=args.artefacts.workbook_json,
            source_id=args.workspace_id,
            version="Notebook/1.0",
            description=f"Custom Vision / Image Analysis migration of {env}: legacy traffic, errors, cutover, "
                        f"burn-down to {self._cfg.retirement_date.isoformat()}, callers, replacement health.",
            tags=self._tags,
            opts=child,
        )
        return workbook.id

    # -- query pack ----------------------------------------------------------------------------------
    def _query_pack(self, artefacts: Artefacts, child) -> pulumi.Output[str]:
        env = self._cfg.environment
        pack_name = f"pack-cvmigrate-{naming.slug(env)}"
        pack = operationalinsights.QueryPack(
            "query-pack", query_pack_name=pack_name, resource_group_name=self._rg,
            location=self._cfg.location, tags=self._tags, opts=child)
        in_pack = pulumi.ResourceOptions(parent=self, depends_on=[pack])
        for query in artefacts.query_pack:
            name = query.name
            operationalinsights.Query(
                f"query-{name}",
                id=naming.stable_uuid("query-pack-query", env, name),
                query_pack_name=pack_name,
                resource_group_name=self._rg,
                display_name=f"cvmigrate: {name.replace('_', ' ')}",
                description=query.description,
                body=query.text,
                related=operationalinsights.LogAnalyticsQueryPackQueryPropertiesRelatedArgs(
                    categories=QUERY_PACK_CATEGORIES, resource_types=QUERY_PACK_RESOURCE_TYPES),
                # Query labels are lists; the cvmigrate-* tags as labels let the Queries pane filter by them.
                tags={**{k: [v] for k, v in self._tags.items()}, "cvmigrate-query": [name]},
                opts=in_pack,
            )
        return pack.id

    # -- action group --------------------------------------------------------------------------------
    def _action_group(self, alerts: AlertsConfig, child):
        env = self._cfg.environment
        short = action_group_short_name(alerts, env)
        if len(short) > 12:
            raise ValueError(f"cvmigrate:alerts.actionGroupShortName: '{short}' is longer than 12 characters")
        return monitor.ActionGroup(
            "action-group",
            action_group_name=f"ag-cvmigrate-{naming.slug(env)}",
            resource_group_name=self._rg,
            location="Global",
            group_short_name=short,
            enabled=True,
            email_receivers=[monitor.MicrosoftCommonEmailReceiverArgs(
                name=f"email-{i + 1}", email_address=address, use_common_alert_schema=True)
                for i, address in enumerate(alerts.emails)],
            # Chat and paging webhooks carry their credential in the URL: kept as a secret.
            webhook_receivers=[monitor.WebhookReceiverArgs(
                name=f"webhook-{i + 1}", service_uri=pulumi.Output.secret(uri), use_common_alert_schema=True)
                for i, uri in enumerate(alerts.webhooks)],
            sms_receivers=[monitor.MicrosoftCommonSmsReceiverArgs(
                name=f"sms-{i + 1}", country_code=sms.country_code, phone_number=sms.phone_number)
                for i, sms in enumerate(alerts.sms_numbers)],
            tags=self._tags,
            opts=child,
        )

    # -- scheduled query rules -----------------------------------------------------------------------
    def _log_rules(self, args: MonitoringArgs, group, child) -> None:
        env = self._cfg.environment
        for alert_name, (resolved, query) in args.artefacts.alert_rules.items():
            alert = resolved.alert
            name = rule_name(env, alert_name)
            size = len(query.text.encode("utf-8"))
            if size > RULE_QUERY_WARN_BYTES:
                pulumi.log.warn(f"alert rule {name}: its query is {size} bytes; Azure rejects rules over 64 KB. "
                                "Split the environment into several stacks.", resource=self)
            monitor.ScheduledQueryRule(
                f"alert-{alert_name}",
                rule_name=name,
                resource_group_name=self._rg,
                location=self._cfg.location,
                kind="LogAlert",
                display_name=f"cvmigrate {env}: {alert.title}",
                description=f"{alert.description} First step: {alert.first_action} "
                            f"(query: {alert.query}.kql in cvmigrate's queries/)",
                enabled=True,
                severity=alert.severity,
                evaluation_frequency=alert.frequency,
                window_size=resolved.window,
                override_query_time_range=resolved.query_time_range,
                scopes=[args.workspace_id],
                criteria=monitor.ScheduledQueryRuleCriteriaArgs(all_of=[monitor.ConditionArgs(
                    query=query.text,
                    time_aggregation="Count",
                    operator=alert.operator,
                    threshold=alert.threshold,
                    dimensions=[monitor.DimensionArgs(name=d, operator="Include", values=["*"])
                                for d in alert.dimensions],
                    failing_periods=monitor.ConditionFailingPeriodsArgs(
                        number_of_evaluation_periods=alert.evaluation_periods,
                        min_failing_periods_to_alert=alert.min_failing),
                )]),
                auto_mitigate=alert.auto_mitigate,
                mute_actions_duration=alert.mute_actions,
                actions=monitor.ActionsArgs(action_groups=[group.id],
                                            custom_properties={"cvmigrate-alert": alert_name,
                                                               "cvmigrate-env": env}),
                tags=self._tags,
                opts=child,
            )
            self.rule_names.append(name)

    # -- metric alerts (dynamic thresholds) ----------------------------------------------------------
    def _metric_alerts(self, args: MonitoringArgs, group) -> None:
        """One rule per legacy account of a dual-run workload, in the account's subscription and resource group
        when it is adopted from another subscription (like the activity log alert). Shape per
        azure-rest-api-specs .../Microsoft.Insights/stable/2018-03-01/examples/
        createOrUpdateDynamicMetricAlertSingleResource.json (MultipleResourceMultipleMetricCriteria +
        DynamicThresholdCriterion)."""
        specs = args.artefacts.metric_alerts
        dual_run = {a.name.lower() for w in self._cfg.workloads if w.cutover.state == "dual-run"
                    for a in w.legacy_accounts}
        env = self._cfg.environment
        for spec in specs:
            for ref in args.legacy_accounts:
                if ref.account.name.lower() not in dual_run:
                    continue
                sub = ref.account.id.subscription_id.lower() if ref.account.id else ""
                provider = args.providers.for_subscription(sub) if (sub and args.providers) else None
                if provider is not None:
                    rg: pulumi.Input[str] = ref.account.id.resource_group
                    opts = pulumi.ResourceOptions(parent=self, provider=provider)
                else:
                    rg, opts = self._rg, pulumi.ResourceOptions(parent=self)
                account = naming.slug(ref.account.name)
                name = f"{rule_name(env, spec.name)}-{account}"
                monitor.MetricAlert(
                    f"alert-{spec.name}-{account}",
                    rule_name=name,
                    resource_group_name=rg,
                    location="global",
                    description=f"{spec.description} First step: {spec.first_action} "
                                f"(backtested with the {spec.stand_in}.kql seasonal detection)",
                    severity=spec.severity,
                    enabled=True,
                    scopes=[ref.id],
                    evaluation_frequency=spec.frequency,
                    window_size=spec.window,
                    target_resource_type=spec.metric_namespace,
                    criteria=monitor.MetricAlertMultipleResourceMultipleMetricCriteriaArgs(
                        odata_type="Microsoft.Azure.Monitor.MultipleResourceMultipleMetricCriteria",
                        all_of=[monitor.DynamicMetricCriteriaArgs(
                            criterion_type="DynamicThresholdCriterion",
                            name=spec.metric_name,
                            metric_name=spec.metric_name,
                            metric_namespace=spec.metric_namespace,
                            operator=spec.operator,
                            time_aggregation=spec.time_aggregation,
                            alert_sensitivity=spec.alert_sensitivity,
                            failing_periods=monitor.DynamicThresholdFailingPeriodsArgs(
                                number_of_evaluation_periods=spec.evaluation_periods,
                                min_failing_periods_to_alert=spec.min_failing),
                        )]),
                    auto_mitigate=spec.auto_mitigate,
                    actions=[monitor.MetricAlertActionArgs(
                        action_group_id=group.id,
                        web_hook_properties={"cvmigrate-alert": spec.name, "cvmigrate-env": env})],
                    tags=self._tags,
                    opts=opts,
                )
                self.rule_names.append(name)

    # -- activity log alert --------------------------------------------------------------------------
    def _activity_alerts(self, args: MonitoringArgs, group) -> None:
        """One alert per subscription holding diagnosed resources: an activity log alert watches events in its
        own subscription, so accounts in application teams' subscriptions get an alert there (in the
        resource group of the first of them, through that subscription's provider)."""
        specs = args.artefacts.activity_alerts
        if not specs or not args.diagnosed:
            return
        groups: dict[str, list[DiagnosedResource]] = {}
        for target in args.diagnosed:
            sub = (target.subscription_id or "").lower()
            provider = args.providers.for_subscription(sub) if (sub and args.providers) else None
            groups.setdefault(sub if provider is not None else "", []).append(target)
        env = self._cfg.environment
        for spec in specs:
            for sub in sorted(groups):
                targets = groups[sub]
                suffix = f"-{naming.short_hash(sub)}" if sub else ""
                if sub:
                    rg: pulumi.Input[str] = min((t.resource_group or "" for t in targets), key=str.lower)
                    opts = pulumi.ResourceOptions(parent=self, provider=args.providers.for_subscription(sub))
                else:
                    rg = self._rg
                    opts = pulumi.ResourceOptions(parent=self)
                name = rule_name(env, spec.name) + suffix
                monitor.ActivityLogAlert(
                    f"alert-{spec.name}{suffix}",
                    activity_log_alert_name=name,
                    resource_group_name=rg,
                    location="Global",
                    enabled=True,
                    description=f"{spec.description} First step: {spec.first_action}",
                    scopes=[t.target_id for t in targets],
                    condition=monitor.AlertRuleAllOfConditionArgs(all_of=[
                        monitor.AlertRuleAnyOfOrLeafConditionArgs(field="category", equals=spec.category),
                        monitor.AlertRuleAnyOfOrLeafConditionArgs(field="operationName", equals=spec.operation_name),
                    ]),
                    actions=monitor.ActionListArgs(action_groups=[monitor.ActionGroupArgs(action_group_id=group.id)]),
                    tags=self._tags,
                    opts=opts,
                )
                self.rule_names.append(name)


def legacy_account_refs(cfg: StackConfig, workloads: dict) -> list[LegacyAccountRef]:
    """The live ID of every legacy account, from the Workload components of ``build``."""
    out: list[LegacyAccountRef] = []
    for w in cfg.workloads:
        component = workloads[w.name]
        if w.custom_vision and component.custom_vision:
            out.append(LegacyAccountRef(w.custom_vision.training, component.custom_vision.training_id))
            out.append(LegacyAccountRef(w.custom_vision.prediction, component.custom_vision.prediction_id))
        if w.image_analysis and component.image_analysis:
            out.append(LegacyAccountRef(w.image_analysis.account, component.image_analysis.account_id))
    return out
