"""AML online endpoint traffic records become AmlOnlineEndpointTrafficLog rows with the columns read from
``properties`` under the column's name or its camelCase form (report/archive_staging.py reads every path in one
parse of the properties), and the endpoint from the resource ID when the properties do not name it."""
from __future__ import annotations

import datetime as dt

from cvmigrate.report.archive import open_archive

from .archive_builder import aml_record, write_blob
from .conftest import at

COLUMNS = '"EndpointName", "DeploymentName", "Method", "Path", "ResponseCode", "TotalDurationMs"'


def test_aml_properties_under_either_name_give_the_same_columns(tmp_path):
    pascal = aml_record("ep-alpha", at(30, 11), 503, duration=75)
    camel = dict(aml_record("ep-alpha", at(30, 12), 503, duration=75))
    camel["properties"] = {k[0].lower() + k[1:]: v for k, v in pascal["properties"].items() if k != "EndpointName"}
    write_blob(tmp_path / "a", [pascal])
    write_blob(tmp_path / "a", [camel])
    con, stats = open_archive(tmp_path / "a", lookback_days=60, now=dt.datetime(2027, 6, 1, tzinfo=dt.timezone.utc))
    rows = con.execute(f'SELECT {COLUMNS} FROM "AmlOnlineEndpointTrafficLog" ORDER BY TimeGenerated').fetchall()
    assert stats.rows["AmlOnlineEndpointTrafficLog"] == 2
    assert rows[0] == ("ep-alpha", "blue", "POST", "/score", 503, 75)
    assert rows[1] == ("EP-ALPHA", "blue", "POST", "/score", 503, 75)     # the endpoint from the resource ID
