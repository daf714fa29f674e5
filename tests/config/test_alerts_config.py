"""`cvmigrate:alerts` receivers: every environment names who is told, or says enabled: false; each problem
names its key."""
from __future__ import annotations

import pytest

import datetime as dt

from stacks import ONCALL

from cvmigrate.config import parse_stack_config
from cvmigrate.config.alerts import AlertsConfig, SmsNumber

TODAY = dt.date(2027, 1, 1)


@pytest.fixture(scope="session")
def parse(stack_config):
    def parse(alerts):
        raw = stack_config()
        if alerts is None:
            del raw["cvmigrate:alerts"]
        else:
            raw["cvmigrate:alerts"] = alerts
        return parse_stack_config(raw, "dev", today=TODAY)
    return parse


def errors(issues):
    return {i.path: str(i) for i in issues if not i.warning}


def test_environment_without_receivers_is_an_error_naming_the_section(parse):
    for section in (None, {}, {"emails": []}, {"thresholds": {"deadlineDays": 90}}):
        cfg, issues = parse(section)
        assert cfg is None
        found = errors(issues)
        assert list(found) == ["cvmigrate:alerts"], section
        assert "no receivers" in found["cvmigrate:alerts"] and "enabled: false" in found["cvmigrate:alerts"]


def test_enabled_false_needs_no_receivers(parse):
    cfg, issues = parse({"enabled": False})
    assert errors(issues) == {}
    assert cfg.alerts.enabled is False and not cfg.alerts.has_receivers


def test_receivers_are_parsed_and_sms_numbers_split_into_country_code_and_number(parse):
    cfg, _ = parse({"emails": [ONCALL, "lead@contoso.com"], "webhooks": ["https://hooks.contoso.com/x?sig=1"],
                    "smsNumbers": ["+44 7700-900 123"], "actionGroupShortName": "cvm dev 01"})
    alerts: AlertsConfig = cfg.alerts
    assert alerts.emails == (ONCALL, "lead@contoso.com")
    assert alerts.webhooks == ("https://hooks.contoso.com/x?sig=1",)
    assert alerts.sms_numbers == (SmsNumber(country_code="44", phone_number="7700900123"),)
    assert alerts.action_group_short_name == "cvm dev 01"
    assert alerts.thresholds.deadline_days == 180   # untouched thresholds keep the queries/thresholds.yaml defaults


def test_every_bad_receiver_is_reported_at_once_with_its_path(parse):
    cfg, issues = parse({"emails": ["ops@contoso.com", "OPS@contoso.com", "not-an-address"],
                         "webhooks": ["http://insecure.example.com/hook"], "smsNumbers": ["07700900123"],
                         "actionGroupShortName": "thirteen-char", "emial": ["x@y.z"]})
    assert cfg is None
    found = errors(issues)
    assert sorted(found) == [
        "cvmigrate:alerts.actionGroupShortName", "cvmigrate:alerts.emails[1]", "cvmigrate:alerts.emails[2]",
        "cvmigrate:alerts.emial", "cvmigrate:alerts.smsNumbers[0]", "cvmigrate:alerts.webhooks[0]"]
    assert "listed twice" in found["cvmigrate:alerts.emails[1]"]
    assert "1-12" in found["cvmigrate:alerts.actionGroupShortName"]
    assert "did you mean 'emails'" in found["cvmigrate:alerts.emial"]
    assert "+<country code> <number>" in found["cvmigrate:alerts.smsNumbers[0]"]


def test_example_stacks_name_a_receiver():
    from cvmigrate.config import load_stack_file

    for env in ("dev", "prod"):
        assert load_stack_file(env).alerts.emails, env
