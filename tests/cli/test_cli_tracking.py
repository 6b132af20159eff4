"""DIP IDs, channels, domain verification, reminders, renewal, promotion, the audit trail and the signing
self-test, typed as a user would (as a separate process where no keychain is needed, in-process with a test
keychain where keys are made)."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
from pathlib import Path

import icalendar
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from test_cli_certs import TODAY, issued, issuer
from test_cli_keys import Cli, TestKeychain, keychain, one_line, project_bytes

from tests.pki import Issuer

__all__ = ["issuer", "keychain"]  # fixtures, imported so pytest finds them here
Typed = Cli
DIP = "8795183096"


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def import_pem(cli: Cli, project: Path, cert: x509.Certificate, issuer: Issuer, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM)
                     + issuer.cert.public_bytes(serialization.Encoding.PEM))
    done = cli("cert", "import", project, path)
    assert done.code == 0, done.err


def test_dip_ids_and_channels_are_recorded_and_bad_webhooks_refused(typed: Typed, uit_project: Path,
                                                                    tmp_path: Path) -> None:
    done = typed("dip-id", "add", uit_project, "--mpid", "abcd", "--role-code", "LDSO", "--dip-id", DIP,
                 "--dcp-id", "DCP-1")
    assert (done.code, done.out.strip()) == (0, f"Recorded DIP ID {DIP} for ABCD as LDSO, delegated to DCP ID DCP-1.")
    done = typed("dip-id", "add", uit_project, "--mpid", "ABCD", "--role-code", "SUPP", "--dip-id", "1")
    assert done.code == 1
    assert one_line(done.err).startswith("dip-onboarding: --role-code: SUPP is not a DIP role code")
    done = typed("dip-id", "add", uit_project, "--mpid", "WXYZ", "--role-code", "UMSO", "--dip-id", "2",
                 "--dcp-id", "DCP-1")
    assert done.code == 1
    assert "needs its own DCP ID" in one_line(done.err)

    done = typed("channel", "set", uit_project, "--dip-id", DIP, "--channel", "IF-001",
                 "--url", "https://hook.acme.example/dip/if-001")
    assert (done.code, done.out.strip()) == (0, f"IF-001 of DIP ID {DIP} goes to https://hook.acme.example/dip/if-001.")
    before = project_bytes(uit_project)
    for url, words in (("http://hook.acme.example/x", "must be a secure HTTPS address"),
                       ("https://ops:hunter2@hook.acme.example/x", "Remove the user name or password"),
                       ("hook.acme.example", "not a full web address")):
        done = typed("channel", "set", uit_project, "--dip-id", DIP, "--channel", "PUB-035", "--url", url)
        assert done.code == 1
        assert one_line(done.err).startswith("dip-onboarding: --url: ")
        assert words in done.err
    assert project_bytes(uit_project) == before, "a refused address changes nothing"
    assert b"hunter2" not in (uit_project / "audit.jsonl").read_bytes()
    done = typed("channel", "set", uit_project, "--dip-id", DIP, "--channel", "PUB-035",
                 "--url", "https://8.8.4.4:8443/dip")
    assert done.code == 0
    assert "warning: Use a host name" in done.out
    assert "(rule not confirmed by public guidance)" in done.out

    status = json.loads(typed("status", uit_project, "--json").out)
    assert status["dip_ids"] == [{"dip_id": DIP, "mpid": "ABCD", "role_code": "LDSO", "dcp_id": "DCP-1",
                                  "confirmed": True}]
    assert [(c["channel"], c["url"]) for c in status["channels"]] == [
        ("IF-001", "https://hook.acme.example/dip/if-001"), ("PUB-035", "https://8.8.4.4:8443/dip")]
    assert {f["code"] for f in status["channels"][1]["findings"]} == {"webhook-host-not-ip", "webhook-port"}

    done = typed("dip-id", "list", uit_project, "--csv", tmp_path / "ids.csv", "--channels-csv", tmp_path / "ch.csv")
    assert done.code == 0, done.err
    rows = list(csv.DictReader(io.StringIO((tmp_path / "ch.csv").read_text())))
    assert next((r["dip_id"], r["channel"], r["webhook_url"]) for r in rows) == \
        (DIP, "IF-001", "https://hook.acme.example/dip/if-001")
    assert next(iter(csv.DictReader(io.StringIO((tmp_path / "ids.csv").read_text()))))["dcp_id"] == "DCP-1"


def test_domain_txt_value_and_the_dns_admins_sheet(typed: Typed, uit_project: Path, tmp_path: Path) -> None:
    done = typed("domain", "sheet", uit_project)
    assert done.code == 1
    assert "No TXT value recorded yet" in one_line(done.err)
    done = typed("domain", "txt", uit_project, "--value", '"globalsign-domain-verification=Zx81"')
    assert done.code == 0, done.err
    assert "used again when certificates are renewed" in done.out
    assert "nslookup -type=TXT acme.example" in done.out
    done = typed("domain", "sheet", uit_project, "--out", tmp_path / "dns.html")
    assert done.code == 0, done.err
    page = (tmp_path / "dns.html").read_text()
    assert "<code>globalsign-domain-verification=Zx81</code>" in page
    assert "<code>@" in page
    assert json.loads(typed("status", uit_project, "--json").out)["domain_txt"] == \
        "globalsign-domain-verification=Zx81"
    done = typed("domain", "txt", uit_project, "--value", "two\nlines")
    assert done.code == 1
    assert one_line(done.err).startswith("dip-onboarding: --value: ")


def test_ics_file_opens_in_a_calendar(cli: Cli, uit_project: Path, keychain: TestKeychain, issuer: Issuer,
                                      tmp_path: Path) -> None:
    import_pem(cli, uit_project, issued(cli, uit_project, issuer, tmp_path, days=100), issuer, tmp_path, "m.pem")
    out = tmp_path / "dip-reminders.ics"
    done = cli("reminders", uit_project, "--ics", out)
    assert done.code == 0, done.err
    assert "Renew the DIP mTLS client certificate: 60 days left" in done.out
    raw = out.read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n")
    assert raw.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(raw)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 4  # the expiry, and reminders 60, 30 and 14 days before it
    assert all(e.get("UID") and e.get("DTSTAMP") and list(e.walk("VALARM")) for e in events)
    again = cli("reminders", uit_project, "--ics", out)
    assert again.code == 1
    assert "already exists" in one_line(again.err)


def test_a_certificate_near_expiry_is_flagged_and_renewed(cli: Cli, uit_project: Path, keychain: TestKeychain,
                                                          issuer: Issuer, tmp_path: Path) -> None:
    old = issued(cli, uit_project, issuer, tmp_path, days=20)
    import_pem(cli, uit_project, old, issuer, tmp_path, "old.pem")
    assert "<- renew soon" in cli("status", uit_project).out
    csr_path = tmp_path / "renewal.csr.pem"
    done = cli("renew", uit_project, "--cert", "dip-mtls", "--out", csr_path)
    assert done.code == 0, done.err
    assert "stays in use until the new certificate is imported" in done.out
    status = json.loads(cli("status", uit_project, "--json").out)
    assert len(status["keys"]) == 2
    assert status["keys"][1]["replaces"] == status["keys"][0]["id"]
    assert [c["key"] for c in status["certificates"]] == [status["keys"][0]["id"]]  # the old one is still in use
    assert len(keychain.key_ids()) == 2
    csr = x509.load_pem_x509_csr(csr_path.read_bytes())
    assert csr.public_key() != old.public_key()
    again = cli("renew", uit_project, "--cert", "dip-mtls", "--json")
    assert again.code == 0
    assert json.loads(again.out)["new_key"] == status["keys"][1]["id"]
    from tests.pki import make_leaf

    new = make_leaf(issuer, csr.public_key(), not_before=TODAY - dt.timedelta(days=1),
                    not_after=TODAY + dt.timedelta(days=365))
    import_pem(cli, uit_project, new, issuer, tmp_path, "new.pem")
    status = json.loads(cli("status", uit_project, "--json").out)
    # the old key is retired and kept until its certificate expires (or keys destroy-retired)
    assert [k["state"] for k in status["keys"]] == ["retired", "active"]
    assert len(keychain.key_ids()) == 2
    assert [(c["key"], c["state"]) for c in status["certificates"]] == \
        [(status["keys"][0]["id"], "retired"), (status["keys"][1]["id"], "in use")]
    assert status["certificates"][1]["days_left"] >= 363
    assert "(retired: its key is no longer in use and is kept until this expires)" in cli("status", uit_project).out
    assert "renew soon" not in cli("status", uit_project).out
    events = [e["event"] for e in json.loads(cli("audit", uit_project, "--json").out)["entries"]]
    assert events.count("key generated") == 2
    assert "key retired" in events
    assert events.count("CSR exported") == 2
    nothing = cli("renew", uit_project, "--cert", "webhook-tls")
    assert nothing.code == 1
    assert "nothing to renew" in one_line(nothing.err)


def test_a_uit_project_promotes_to_production_with_its_checklist(typed: Typed, staffed_project: Path,
                                                                 tmp_path: Path) -> None:
    assert typed("dip-id", "add", staffed_project, "--mpid", "ABCD", "--role-code", "LDSO", "--dip-id", DIP).code == 0
    assert typed("channel", "set", staffed_project, "--dip-id", DIP, "--channel", "IF-001",
                 "--url", "https://uit.acme.example/if-001").code == 0
    before = folder_bytes(staffed_project)
    prod = tmp_path / "acme-production"
    done = typed("promote", staffed_project, "--out", prod)
    assert done.code == 0, done.err
    assert f"Made the Production project in {prod}" in done.out
    assert "[ ] person:" in done.out
    assert f"[ ] dip-id:{DIP}" in done.out
    assert folder_bytes(staffed_project) == before, "the UIT project is left untouched"
    status = json.loads(typed("status", prod, "--json").out)
    assert status["environment"]["id"] == "production"
    assert status["organisation"]["name"] == "Acme Energy Ltd"
    assert all(p["portal_status"] == "planned" for p in status["people"])
    assert len(status["people"]) == 5
    assert status["dip_ids"][0]["confirmed"] is False
    assert status["channels"][0]["confirmed"] is False
    open_items = [i["id"] for i in status["checklist"] if not i["done"]]
    assert f"dip-id:{DIP}" in open_items
    assert "step:step-2" in open_items
    # Recording the DIP ID in Production confirms it and ticks its checklist item.
    assert typed("dip-id", "add", prod, "--mpid", "ABCD", "--role-code", "LDSO", "--dip-id", DIP).code == 0
    done = typed("checklist", prod, "--done", "step:step-2", "--json")
    items = {i["id"]: i["done"] for i in json.loads(done.out)["checklist"]}
    assert items[f"dip-id:{DIP}"]
    assert items["step:step-2"]
    assert not items[f"channel:{DIP}/IF-001"]
    again = typed("promote", prod, "--out", tmp_path / "x")
    assert again.code == 1
    assert "already the Production one" in one_line(again.err)
    bad = typed("checklist", prod, "--done", "nope")
    assert bad.code == 1
    assert 'No checklist item "nope"' in one_line(bad.err)
    assert typed("audit", prod, "--verify").code == 0


def test_an_edited_audit_line_is_detected(typed: Typed, staffed_project: Path) -> None:
    done = typed("audit", staffed_project, "--verify")
    assert (done.code, done.out.strip()) == (0, "The audit trail checks out: 6 lines, none changed, removed, "
                                                "inserted, moved or cut off.")
    log = staffed_project / "audit.jsonl"
    lines = log.read_bytes().splitlines(keepends=True)
    assert b"Cara Cert" in lines[2]
    lines[2] = lines[2].replace(b"Cara Cert", b"Mallory X")
    log.write_bytes(b"".join(lines))
    done = typed("audit", staffed_project, "--verify")
    assert done.code == 1
    assert one_line(done.err) == ("dip-onboarding: The audit trail does not check out: line 3 was changed after it "
                                  "was written.\n")
    log.write_bytes(b"".join(lines[:2] + lines[3:]))  # removed instead
    assert "line 3 is out of place" in typed("audit", staffed_project, "--verify").err
    listing = typed("audit", staffed_project)
    assert listing.code == 0
    assert "person added" in listing.out


def test_sign_test_signs_with_the_vault_key_and_verifies(cli: Cli, uit_project: Path, keychain: TestKeychain,
                                                         issuer: Issuer, tmp_path: Path) -> None:
    none = cli("sign-test", uit_project)
    assert none.code == 1
    assert "No certificate to sign with yet" in one_line(none.err)
    cert = issued(cli, uit_project, issuer, tmp_path, kind="dip-signing", days=300)
    import_pem(cli, uit_project, cert, issuer, tmp_path, "sign.pem")
    done = cli("sign-test", uit_project, "--json", "--url", "https://DIP.example/Requests")
    assert done.code == 0, done.err
    data = json.loads(done.out)
    assert data["ok"]
    assert data["kind"] == "dip-signing"
    assert data["confirmed"] is False
    headers = data["headers"]
    assert set(headers) == {"X-DIP-Signature-Date", "X-DIP-Content-Hash", "X-DIP-Signature-Certificate",
                            "X-DIP-Signature"}
    text = f"POST;https://dip.example/requests;{headers['X-DIP-Signature-Date']};{headers['X-DIP-Content-Hash']}"
    assert data["string_to_sign"] == text
    public = x509.load_pem_x509_certificate(base64.b64decode(headers["X-DIP-Signature-Certificate"])).public_key()
    public.verify(base64.b64decode(headers["X-DIP-Signature"]), text.encode(), padding.PKCS1v15(),  # type: ignore[union-attr,call-arg]
                  hashes.SHA256())
    assert "PRIVATE KEY" not in done.out
    plain = cli("sign-test", uit_project)
    assert "OK    X-DIP-Signature verifies" in plain.out


@pytest.mark.parametrize("argv", [["channel", "set", "{dir}", "--dip-id", "1", "--channel", "IF-001", "--url",
                                   "https://x.example/"],
                                  ["dip-id", "remove", "{dir}", "--dip-id", "1"]])
def test_unknown_dip_ids_are_one_line_refusals(typed: Typed, uit_project: Path, argv: list[str]) -> None:
    done = typed(*(a.format(dir=uit_project) for a in argv))
    assert done.code == 1
    assert 'DIP ID "1"' in one_line(done.err)
