"""Policy cvmigrate-no-new-legacy-accounts: no new Custom Vision or Image Analysis accounts (adopted ones are fine)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Mapping

from ..config.stack_config import DEFAULT_RETIREMENT_DATE, LEGACY_KINDS
from ..tags import TAG_ENV
from .values import ACCOUNT, STRING_LIST, UNKNOWN, Finding, PolicySpec, get

DEFAULT_FREEZE_DATE = "2027-09-25"  # a year before retirement: later reproductions mostly add burn-down

NO_NEW_LEGACY = PolicySpec(
    name="cvmigrate-no-new-legacy-accounts",
    description="No new Custom Vision (Training/Prediction) or Image Analysis (ComputerVision) accounts: "
                "both retire on 2028-09-25. Adopted accounts (import/reference) are allowed.",
    schema={
        "allowCreateEnvironments": {**STRING_LIST, "description": "environments (cvmigrate-env tag or stack name) "
                                    "where create mode may reproduce a legacy account"},
        "freezeDate": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$",
                       "description": "from this day (YYYY-MM-DD) no environment may create legacy accounts"},
        "adoptedAccounts": {**STRING_LIST, "description": "account names or resource IDs that are existing "
                            "accounts brought under management (import), not new ones"},
        "legacyKinds": {**STRING_LIST, "description": "account kinds treated as legacy"},
    },
    defaults={"allowCreateEnvironments": ["dev"], "freezeDate": DEFAULT_FREEZE_DATE, "adoptedAccounts": [],
              "legacyKinds": list(LEGACY_KINDS)},
)


def _date(value: Any, key: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"policy config {key}: {value!r} is not a date (write YYYY-MM-DD)") from None


def _account_key(value: str) -> str:
    """Name of an account from a name or an ARM ID, lower-case (ARM names are case-insensitive)."""
    return value.rstrip("/").rsplit("/", 1)[-1].lower()


def no_new_legacy_accounts(resource_type: str, props: Mapping[str, Any], config: Mapping[str, Any] | None, *,
                           name: str = "", today: dt.date, environment: str = "",
                           adopted: Iterable[str] = ()) -> list[Finding]:
    """A legacy-kind account in the program is either adopted (an existing account: import mode,
    listed by the stack config or the policy's ``adoptedAccounts``) or created. Creating one is a
    violation unless the environment may create (``allowCreateEnvironments``) and today is before
    ``freezeDate``."""
    if resource_type != ACCOUNT:
        return []
    cfg = NO_NEW_LEGACY.config(config)
    account = get(props, "accountName")
    label = account if isinstance(account, str) else name
    kind = get(props, "kind")
    if kind is UNKNOWN:
        return [Finding(f"account '{label}': kind is not known during preview, so it cannot be told whether "
                        "it is a legacy Custom Vision / Image Analysis account.", unknown=True)]
    legacy = {k.lower(): k for k in cfg["legacyKinds"]}
    if not isinstance(kind, str) or kind.lower() not in legacy:
        return []
    adopted_keys = {_account_key(a) for a in [*adopted, *cfg["adoptedAccounts"]] if a}
    if account is UNKNOWN and adopted_keys:
        return [Finding(f"account of kind {kind}: its name is not known during preview, so it cannot be matched "
                        "against the adopted accounts.", unknown=True)]
    if isinstance(label, str) and label and _account_key(label) in adopted_keys:
        return []
    env = get(props, "tags", TAG_ENV)
    if env is UNKNOWN:
        return [Finding(f"account '{label}' ({kind}): its {TAG_ENV} tag is not known during preview.", unknown=True)]
    env = env or environment
    freeze = _date(cfg["freezeDate"], "freezeDate")
    allowed_envs = {e.lower() for e in cfg["allowCreateEnvironments"]}
    fix = ("adopt the existing account instead (legacy mode: import or reference), or build the replacement; "
           f"Custom Vision and Image Analysis stop working on {DEFAULT_RETIREMENT_DATE.isoformat()}.")
    if str(env).lower() not in allowed_envs:
        why = (f"environment '{env}' may not create legacy accounts "
               f"(allowed: {', '.join(sorted(allowed_envs)) or 'none'})")
    elif today >= freeze:
        why = f"the legacy freeze date {freeze.isoformat()} has passed (today is {today.isoformat()})"
    else:
        return []
    return [Finding(f"creates a new {legacy[kind.lower()]} account '{label}': {why}. Fix: {fix}")]
