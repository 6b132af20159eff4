"""DIP IDs, channels and webhook rules, the CSV tables, and the format-4 project file with its migration."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest

from wizard.core import store
from wizard.core.dipids import build_dip_id, channels_csv, dip_ids_csv, set_channel, without_dip_id
from wizard.core.errors import InvalidInput
from wizard.core.model import Channel, ChecklistItem, DipId, DomainTxt, MarketParticipant, Organisation, Project
from wizard.core.profile import Profile, parse_profile
from wizard.core.store import FORMAT_VERSION, create_project, load_project, project_file
from wizard.core.webhooks import accept_webhook_url, check_webhook_url

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def project() -> Project:
    return Project("dip-mhhs", "uit", Organisation("Acme Ltd", "01234567", "acme.example"), NOW, NOW,
                   mpids=(MarketParticipant("ABCD", ("LDSO",)),))


def add(profile: Profile, project: Project, **kw: Any) -> Project:
    return build_dip_id(profile, project, **{"mpid": "ABCD", "role_code": "LDSO", "dip_id": "8795183096", **kw})[0]


def test_a_dip_id_is_recorded_with_soft_checks(profile: Profile, project: Project) -> None:
    updated, record, findings = build_dip_id(profile, project, mpid=" abcd ", role_code="ldso",
                                             dip_id="8795183096", dcp_id="DCP-77")
    assert record == DipId("8795183096", "ABCD", "LDSO", "DCP-77")
    assert updated.dip_ids == (record,)
    assert findings == ()
    _, _, soft = build_dip_id(profile, project, mpid="ABCDEF", role_code="LDSO", dip_id="DIP-9")
    assert {f.code for f in soft} == {"mpid-form", "dip-id-form"}
    assert all(f.severity == "warning" and not f.confirmed for f in soft)


def test_role_codes_come_from_the_profile_plus_user_added(profile: Profile, project: Project) -> None:
    with pytest.raises(InvalidInput, match="not a DIP role code this project knows") as caught:
        add(profile, project, role_code="SUPP")
    assert caught.value.field == "role_code"
    updated = add(profile, project, role_code="SUPP", new_role_code=True)
    assert updated.role_codes == ("SUPP",)
    again = add(profile, updated, mpid="WXYZ", role_code="SUPP", dip_id="111")  # now known: no flag needed
    assert again.role_codes == ("SUPP",)
    with pytest.raises(InvalidInput, match="2 to 8 letters"):
        add(profile, project, role_code="L D", new_role_code=True)


def test_one_dip_id_per_mpid_and_role_and_one_dcp_id_per_delegated_role(profile: Profile, project: Project) -> None:
    first = add(profile, project, dcp_id="DCP-1")
    with pytest.raises(InvalidInput, match="already has the DIP ID 8795183096"):
        add(profile, first, dip_id="999")
    with pytest.raises(InvalidInput, match="needs its own DCP ID") as caught:
        add(profile, first, role_code="UMSO", dip_id="222", dcp_id="DCP-1")
    assert caught.value.field == "dcp_id"
    # The same DIP ID again replaces it in place (e.g. to add a DCP ID later).
    replaced = add(profile, first, dcp_id="DCP-2")
    assert [(d.id, d.dcp_id) for d in replaced.dip_ids] == [("8795183096", "DCP-2")]


@pytest.mark.parametrize(("url", "codes"), [
    ("https://hook.acme.example/dip/if-001", set()),
    ("https://hook.acme.example:443/dip", set()),
    ("https://8.8.8.8/dip", {"webhook-host-not-ip"}),
    ("https://[2606:4700:4700::1111]/dip", {"webhook-host-not-ip"}),
    ("https://hook.acme.example:8443/dip", {"webhook-port"}),
    ("https://hook.other.example/dip", {"webhook-host-under-domain"}),
    ("https://*.acme.example/dip", {"webhook-no-wildcard"}),
    ("https://hook.acme.example/dip?x=1", {"webhook-plain-path"}),
])
def test_webhook_warnings(profile: Profile, url: str, codes: set[str]) -> None:
    _, findings = accept_webhook_url(profile, url, "acme.example")
    assert {f.code for f in findings} == codes
    assert all(f.severity == "warning" and not f.confirmed for f in findings)


@pytest.mark.parametrize(("url", "words"), [
    ("http://hook.acme.example/dip", "secure HTTPS"),
    ("https://user:pw@hook.acme.example/dip", "user name or password"),
    ("https://user@hook.acme.example/dip", "user name or password"),
    ("ftp://hook.acme.example/dip", "secure HTTPS"),
    ("hook.acme.example/dip", "not a full web address"),
    ("https://hook.acme.example/dip#x", "never sent"),
    ("https://hook.acme.example/a b", "spaces"),
    ("https://hook.acme.example:99999/", "not a web address"),
    ("", "Enter the webhook address"),
])
def test_bad_webhook_urls_are_refused(profile: Profile, url: str, words: str) -> None:
    with pytest.raises(InvalidInput, match=words) as caught:
        accept_webhook_url(profile, url, "acme.example")
    assert caught.value.field == "url"


def test_the_profile_can_tighten_a_warning_into_an_error(profile_data: dict[str, Any]) -> None:
    data = copy.deepcopy(profile_data)
    for rule in data["webhook_rules"]:
        if rule["id"] == "host-not-ip":
            rule["severity"] = "error"
    strict = parse_profile(data, file="strict.toml")
    assert check_webhook_url(strict, "https://8.8.8.8/", "")[1][0].severity == "error"
    with pytest.raises(InvalidInput, match="host name"):
        accept_webhook_url(strict, "https://8.8.8.8/", "")


def test_channels_need_a_known_dip_id_and_a_channel_number(profile: Profile, project: Project) -> None:
    with pytest.raises(InvalidInput, match="Add it first"):
        set_channel(profile, project, dip_id="1", channel="IF-001", url="https://hook.acme.example/")
    p = add(profile, project)
    with pytest.raises(InvalidInput, match="IF or PUB number"):
        set_channel(profile, p, dip_id="8795183096", channel="IF-1", url="https://hook.acme.example/")
    p, record, _ = set_channel(profile, p, dip_id="8795183096", channel="pub 035", url="https://hook.acme.example/")
    assert record == Channel("8795183096", "PUB-035", "https://hook.acme.example/")
    p = set_channel(profile, p, dip_id="8795183096", channel="PUB-035", url="https://hook.acme.example/new")[0]
    assert [c.url for c in p.channels] == ["https://hook.acme.example/new"]
    assert without_dip_id(p, "8795183096").channels == ()


def test_csv_tables_for_the_integration_engineer(profile: Profile, project: Project) -> None:
    p = add(profile, project, dcp_id="DCP-1")
    p = set_channel(profile, p, dip_id="8795183096", channel="IF-001", url="https://hook.acme.example/a,b")[0]
    ids = list(csv.reader(io.StringIO(dip_ids_csv(p))))
    assert ids == [["environment", "mpid", "role_code", "dip_id", "dcp_id", "confirmed"],
                   ["uit", "ABCD", "LDSO", "8795183096", "DCP-1", "yes"]]
    text = channels_csv(p)
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["uit", "8795183096", "ABCD", "LDSO", "IF-001", "https://hook.acme.example/a,b", "yes"]


def test_csv_cells_are_never_spreadsheet_formulas() -> None:
    project = Project("dip-mhhs", "uit", Organisation("Acme Ltd", "01234567", "acme.example"), NOW, NOW,
                      dip_ids=(DipId("=1+1", "ABCD", "LDSO", "@SUM(A1)"),))
    row = list(csv.reader(io.StringIO(dip_ids_csv(project))))[1]
    assert row[3] == "'=1+1"
    assert row[4] == "'@SUM(A1)"


def full_project() -> Project:
    return Project("dip-mhhs", "production", Organisation("Acme Ltd", "01234567", "acme.example"), NOW, NOW,
                   dip_ids=(DipId("8795183096", "ABCD", "LDSO", "DCP-1", confirmed=False),),
                   channels=(Channel("8795183096", "IF-001", "https://hook.acme.example/", confirmed=False),),
                   role_codes=("SUPP",), domain_txt=DomainTxt("globalsign=abc", NOW),
                   checklist=(ChecklistItem("dip-id:8795183096", "Confirm it", True, NOW),
                              ChecklistItem("domain", "Confirm domain")))


def test_the_current_format_round_trips_tracking_records(tmp_path: Path) -> None:
    project = full_project()
    create_project(tmp_path / "p", project)
    assert load_project(tmp_path / "p") == project
    doc = json.loads(project_file(tmp_path / "p").read_text(encoding="utf-8"))
    assert doc["format_version"] == FORMAT_VERSION
    assert doc["project"]["channels"][0]["url"] == "https://hook.acme.example/"


def test_version_3_files_gain_the_tracking_records_after_a_backup(tmp_path: Path) -> None:
    folder = tmp_path / "v3"
    folder.mkdir()
    v3 = {"format": "dip-onboarding-project", "format_version": 3, "written_by": "0.3.0", "revision": 4,
          "project": {"profile_id": "dip-mhhs", "environment": "uit", "created_at": "2026-03-02T09:30:00+00:00",
                      "updated_at": "2026-03-02T09:30:00+00:00", "promoted_from": None,
                      "organisation": {"name": "Old Co", "company_number": "01234567", "domain": "old.example",
                                       "description": "", "is_dcp": False},
                      "mpids": [], "people": [], "progress": [], "notes": {}, "keys": [],
                      "atlas_credentials": None, "certificates": []}}
    raw = json.dumps(v3, indent=2).encode()
    project_file(folder).write_bytes(raw)
    project = load_project(folder)
    assert (project.dip_ids, project.channels, project.role_codes, project.domain_txt, project.checklist) == \
        ((), (), (), None, ())
    [backup] = folder.glob("project.v3.*.json")
    assert backup.read_bytes() == raw
    doc = json.loads(project_file(folder).read_text(encoding="utf-8"))
    assert doc["format_version"] == store.FORMAT_VERSION
    assert doc["project"]["dip_ids"] == []
    assert doc["project"]["domain_txt"] is None


@pytest.mark.parametrize(("change", "why"), [
    (lambda p: p["channels"].append(dict(p["channels"][0])), "listed twice"),
    (lambda p: p["dip_ids"].append(dict(p["dip_ids"][0])), "two DIP IDs are the same"),
    (lambda p: p["domain_txt"].update(captured_at="yesterday"), "domain_txt.captured_at"),
    (lambda p: p["checklist"][0].update(done="yes"), "checklist"),
])
def test_damaged_tracking_records_are_refused(tmp_path: Path, change: Any, why: str) -> None:
    create_project(tmp_path / "p", full_project())
    doc = json.loads(project_file(tmp_path / "p").read_text(encoding="utf-8"))
    change(doc["project"])
    project_file(tmp_path / "p").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(store.ProjectDamaged, match=why):
        load_project(tmp_path / "p")
