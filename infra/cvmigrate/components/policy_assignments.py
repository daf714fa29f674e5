"""Azure Policy for the part of the estate this stack does not manage.

- ``legacy-kinds``: a custom definition (policies/azure/legacy-vision-accounts.json) assigned at the
  configured scope with effect Audit (default), Deny or Disabled. Audit only marks existing legacy
  accounts non-compliant; nothing is deleted.
- ``diagnostics``: a custom DeployIfNotExists definition (policies/azure/cognitive-diagnostics-dine.json)
  assigned with a system-assigned identity, plus the role assignments its remediation deployments
  need: Monitoring Contributor (749f88d5-...) and Log Analytics Contributor (92aaf0da-...), the
  roles Microsoft's built-in diagnostic DINE definitions list, at the scope and on the workspace.
  A custom definition instead of the built-in "Enable logging by category group ... to Log
  Analytics" because that built-in's ID could not be verified.

The DINE writes its setting under the stack's own diagnostic setting name. Its existence condition
(evaluated after provisioning, like the built-in 55d1f543-...) accepts a setting only when it sends both
categories the queries read, RequestResponse and Audit (by category or through allLogs/audit), to the
workspace: on accounts the stack already diagnoses it deploys nothing, so the two never claim the same sink
and category twice, and an account whose setting sends only Audit is remediated. ``categoryGroup: audit``
deploys exactly Audit + RequestResponse (the ``audit`` group alone lacks RequestResponse), ``allLogs`` every
category.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Optional

import pulumi
from pulumi_azure_native import authorization

from ..config.azure_policy import AzurePolicyConfig
from ..naming import stable_uuid
from ..paths import azure_policies_dir
from .access import ROLE_DEFINITIONS, role_definition_id

MONITORING_CONTRIBUTOR = "Monitoring Contributor"
LOG_ANALYTICS_CONTRIBUTOR = "Log Analytics Contributor"
LEGACY_DEFINITION_FILE = "legacy-vision-accounts.json"
DIAGNOSTICS_DEFINITION_FILE = "cognitive-diagnostics-dine.json"


def load_definition(file_name: str) -> dict[str, Any]:
    return json.loads((azure_policies_dir() / file_name).read_text(encoding="utf-8"))


@dataclass
class AzurePolicyArgs:
    config: AzurePolicyConfig
    environment: str
    location: str                              # used when config.location is not set
    workspace_id: pulumi.Input[str]            # Log Analytics workspace resource ID
    diagnostic_setting_name: str = "cvmigrate"


def _parameter_definitions(parameters: dict[str, Any]):
    out = {}
    for name, spec in parameters.items():
        meta = spec.get("metadata") or {}
        out[name] = authorization.ParameterDefinitionsValueArgs(
            type=spec["type"], allowed_values=spec.get("allowedValues"), default_value=spec.get("defaultValue"),
            metadata=authorization.ParameterDefinitionsValueMetadataArgs(
                display_name=meta.get("displayName"), description=meta.get("description"),
                strong_type=meta.get("strongType"), assign_permissions=meta.get("assignPermissions")))
    return out


class AzurePolicy(pulumi.ComponentResource):
    legacy_assignment_id: pulumi.Output[str]
    diagnostics_assignment_id: Optional[pulumi.Output[str]]
    diagnostics_principal_id: Optional[pulumi.Output[str]]

    def __init__(self, name: str, args: AzurePolicyArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("cvmigrate:policy:AzurePolicy", name, None, opts)
        cfg = args.config
        if not cfg.enabled:
            raise ValueError("cvmigrate:azurePolicy.enabled: the AzurePolicy component is only built when it is true")
        if not cfg.scope or not cfg.subscription_id:
            raise ValueError("cvmigrate:azurePolicy.scope: is required (a subscription or resource group ID)")
        child = pulumi.ResourceOptions(parent=self)
        key = (args.environment, cfg.scope)

        def definition(res_name: str, doc: dict[str, Any]):
            props = doc["properties"]
            return authorization.PolicyDefinition(
                res_name, policy_definition_name=stable_uuid("policy-definition", doc["name"], *key),
                display_name=f"{props['displayName']} ({args.environment})", description=props["description"],
                mode=props["mode"], metadata=props.get("metadata"), policy_type="Custom",
                parameters=_parameter_definitions(props.get("parameters") or {}), policy_rule=props["policyRule"],
                opts=child)

        legacy_doc = load_definition(LEGACY_DEFINITION_FILE)
        legacy_def = definition(f"{name}-legacy-kinds", legacy_doc)
        legacy = authorization.PolicyAssignment(
            f"{name}-legacy-kinds",
            policy_assignment_name=stable_uuid("policy-assignment", "legacy-kinds", *key),
            scope=cfg.scope, policy_definition_id=legacy_def.id,
            display_name=f"cvmigrate: retiring Custom Vision / Image Analysis accounts ({args.environment})",
            description="Custom Vision and Image Analysis retire on 2028-09-25; move workloads to Azure ML "
                        "AutoML, Foundry, Document Intelligence or Face.",
            enforcement_mode="Default",
            parameters={"effect": authorization.ParameterValuesValueArgs(value=cfg.effect)},
            non_compliance_messages=[authorization.NonComplianceMessageArgs(
                message="Custom Vision / Image Analysis (kind CustomVision.*, ComputerVision) retire on 2028-09-25: "
                        "create the replacement instead (see the cvmigrate README).")],
            opts=child)
        self.legacy_assignment_id = legacy.id
        self.diagnostics_assignment_id = None
        self.diagnostics_principal_id = None
        self.role_assignments: list[Any] = []

        if cfg.diagnostics:
            diag_doc = load_definition(DIAGNOSTICS_DEFINITION_FILE)
            diag_def = definition(f"{name}-diagnostics", diag_doc)
            dine = authorization.PolicyAssignment(
                f"{name}-diagnostics",
                policy_assignment_name=stable_uuid("policy-assignment", "diagnostics", *key),
                scope=cfg.scope, policy_definition_id=diag_def.id,
                display_name=f"cvmigrate: Cognitive Services logs to Log Analytics ({args.environment})",
                enforcement_mode="Default",
                identity=authorization.IdentityArgs(type="SystemAssigned"),
                location=cfg.location or args.location,
                parameters={
                    "effect": authorization.ParameterValuesValueArgs(value=cfg.diagnostics_effect),
                    "logAnalytics": authorization.ParameterValuesValueArgs(value=args.workspace_id),
                    "diagnosticSettingName": authorization.ParameterValuesValueArgs(
                        value=args.diagnostic_setting_name),
                    "categoryGroup": authorization.ParameterValuesValueArgs(value=cfg.category_group),
                },
                opts=child)
            principal = dine.identity.apply(lambda i: i.principal_id if i else None)
            workspace = pulumi.Output.from_input(args.workspace_id)
            grants = [
                ("scope-monitoring", cfg.scope, MONITORING_CONTRIBUTOR,
                 role_definition_id(MONITORING_CONTRIBUTOR, cfg.subscription_id)),
                ("scope-log-analytics", cfg.scope, LOG_ANALYTICS_CONTRIBUTOR,
                 role_definition_id(LOG_ANALYTICS_CONTRIBUTOR, cfg.subscription_id)),
                # the workspace may live outside the assignment scope (a shared ops subscription)
                ("workspace-log-analytics", workspace, LOG_ANALYTICS_CONTRIBUTOR,
                 workspace.apply(lambda w: role_definition_id(LOG_ANALYTICS_CONTRIBUTOR, w.split("/")[2]))),
            ]
            for suffix, scope, role, role_id in grants:
                self.role_assignments.append(authorization.RoleAssignment(
                    f"{name}-{suffix}",
                    role_assignment_name=stable_uuid("policy-role", suffix, ROLE_DEFINITIONS[role], *key),
                    scope=scope, role_definition_id=role_id, principal_id=principal,
                    principal_type="ServicePrincipal",
                    description="cvmigrate: lets the diagnostics DeployIfNotExists assignment remediate",
                    opts=pulumi.ResourceOptions(parent=self, depends_on=[dine])))
            self.diagnostics_assignment_id = dine.id
            self.diagnostics_principal_id = principal

        self.register_outputs({
            "legacyAssignmentId": self.legacy_assignment_id,
            "diagnosticsAssignmentId": self.diagnostics_assignment_id,
            "diagnosticsPrincipalId": self.diagnostics_principal_id,
        })


def build_azure_policy(cfg, workspace_id: pulumi.Input[str],
                       opts: Optional[pulumi.ResourceOptions] = None) -> Optional[AzurePolicy]:
    """The program's entry: nothing unless ``cvmigrate:azurePolicy.enabled`` (cfg is a StackConfig)."""
    policy_cfg = cfg.azure_policy
    if not policy_cfg.enabled:
        return None
    return AzurePolicy("azure-policy", AzurePolicyArgs(
        config=policy_cfg, environment=cfg.environment, location=cfg.location, workspace_id=workspace_id,
        diagnostic_setting_name=cfg.diagnostic_setting_name), opts)
