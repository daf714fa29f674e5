"""Builds small diagnostic archives in the layout Azure Monitor writes to a storage account.

Follows learn.microsoft.com/azure/azure-monitor/essentials/resource-logs ("Send to Azure Storage": blob
path insights-logs-{category}/resourceId=/SUBSCRIPTIONS/.../y=/m=/d=/h=/m=00/PT1H.json, JSON lines) and the
resource-log common schema (time, resourceId, category, operationName, resultSignature, durationMs,
callerIpAddress, properties); the Cognitive Services record shape is the captured one in the Azure Monitor
reference (Elastic integration fixture: resultSignature a string, callerIpAddress masked).
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

SUB = "00000000-1111-2222-3333-444444444444"
STACK = """\
config:
  azure-native:location: westeurope
  azure-native:subscriptionId: "%(sub)s"
  cvmigrate:environment: t
  cvmigrate:resourceGroup: {name: rg-t, create: true}
  cvmigrate:retirementDate: "2028-09-25"
  cvmigrate:alerts: {emails: [lead@contoso.com]}
  cvmigrate:workloads:
    - name: alpha
      legacy:
        customVision:
          mode: reference
          trainingId: /subscriptions/%(sub)s/resourceGroups/rg-legacy/providers/Microsoft.CognitiveServices/accounts/Alpha-Train
          predictionId: /subscriptions/%(sub)s/resourceGroups/rg-legacy/providers/Microsoft.CognitiveServices/accounts/Alpha-Pred
      replacement:
        automl: {computeSku: Standard_NC4as_T4_v3, maxNodes: 1, endpoint: {name: ep-alpha}}
      cutover: {state: cut-over, date: "2027-05-01"}
    - name: beta
      legacy:
        imageAnalysis:
          mode: reference
          id: /subscriptions/%(sub)s/resourceGroups/rg-legacy/providers/Microsoft.CognitiveServices/accounts/beta-ia
      cutover: {state: planned}
""" % {"sub": SUB}


def account_id(name: str, provider: str = "MICROSOFT.COGNITIVESERVICES", rtype: str = "ACCOUNTS") -> str:
    return f"/SUBSCRIPTIONS/{SUB.upper()}/RESOURCEGROUPS/RG-LEGACY/PROVIDERS/{provider}/{rtype}/{name.upper()}"


def endpoint_id(name: str) -> str:
    return (f"/SUBSCRIPTIONS/{SUB.upper()}/RESOURCEGROUPS/RG-T/PROVIDERS/MICROSOFT.MACHINELEARNINGSERVICES"
            f"/WORKSPACES/MLW-T/ONLINEENDPOINTS/{name.upper()}")


def cs_record(resource_id: str, time: dt.datetime, status: int = 200, ip: str = "10.0.0.***",
              category: str = "RequestResponse", op: str = "ClassifyImage") -> dict:
    return {"time": time.strftime("%Y-%m-%dT%H:%M:%S.0000000Z"), "resourceId": resource_id, "category": category,
            "operationName": op, "resultSignature": str(status), "durationMs": 120, "callerIpAddress": ip,
            "correlationId": "c0ffee00-0000-4000-8000-000000000000", "location": "westeurope",
            "Tenant": "westeurope", "event": "ShoeboxCallResult", "properties": {"apiName": "Custom Vision"}}


def aml_record(endpoint: str, time: dt.datetime, status: int = 200, duration: int = 80) -> dict:
    return {"time": time.strftime("%Y-%m-%dT%H:%M:%S.0000000Z"), "resourceId": endpoint_id(endpoint),
            "category": "AmlOnlineEndpointTrafficLog", "operationName": "score", "location": "westeurope",
            "properties": {"EndpointName": endpoint, "DeploymentName": "blue", "Method": "POST", "Path": "/score",
                           "ResponseCode": status, "TotalDurationMs": duration}}


def write_blob(root: Path, records: list[dict], *, extra_lines: list[str] = ()) -> Path:
    """One PT1H.json per (container, resource, hour) of the first record."""
    first = records[0]
    hour = dt.datetime.fromisoformat(first["time"][:19])
    container = "insights-logs-" + first["category"].lower()
    path = (root / container / ("resourceId=" + first["resourceId"]) / f"y={hour:%Y}" / f"m={hour:%m}"
            / f"d={hour:%d}" / f"h={hour:%H}" / "m=00" / "PT1H.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r) + "\n")
        for line in extra_lines:
            fh.write(line + "\n")
    return path


def write_stack(tmp: Path) -> Path:
    path = tmp / "Pulumi.t.yaml"
    path.write_text(STACK, encoding="utf-8")
    return path
