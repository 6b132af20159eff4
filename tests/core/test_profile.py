"""The DIP profile: the shipped file is complete and sourced; broken variants are named precisely."""

from __future__ import annotations

import dataclasses
import re
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.core.errors import ProfileError, UnknownId
from wizard.core.profile import Profile, Provenance, load_profile, parse_profile

ROLE_IDS = ("primary-user-admin", "user-admin", "certificate-admin", "message-admin", "dns-admin", "technical-lead")
STEP_IDS = ("prerequisites", *(f"step-{n}" for n in range(1, 9)), "qualification-checks", "promotion")
KIND_IDS = ("atlas-api", "dip-signing", "dip-mtls", "webhook-tls")


# ---------------------------------------------------------------- the shipped profile


def test_shipped_profile_has_the_documented_ids(profile: Profile) -> None:
    assert profile.id == "dip-mhhs"
    assert profile.role_ids() == ROLE_IDS
    assert tuple(s.id for s in profile.steps) == STEP_IDS
    assert tuple(k.id for k in profile.certificate_kinds) == KIND_IDS
    assert tuple(e.id for e in profile.environments) == ("uit", "production")
    assert tuple(a.id for a in profile.audiences) == ("technical-lead", "dns-admin", "certificate-admin")
    assert {w.check for w in profile.webhook_rules} == {"scheme", "host-not-ip", "no-credentials", "port",
                                                         "host-under-domain", "no-wildcard", "path"}


def test_shipped_steps_are_numbered_one_to_eight(profile: Profile) -> None:
    assert [s.number for s in profile.steps] == [None, 1, 2, 3, 4, 5, 6, 7, 8, None, None]
    assert profile.step("step-3").label == "Step 3"
    assert profile.step("promotion").label == profile.step("promotion").title


def test_shipped_staffing_rules(profile: Profile) -> None:
    """The rules the staffing checks rely on are present in the data."""
    assert profile.role("primary-user-admin").counts_as == ("user-admin",)
    assert profile.role("primary-user-admin").invited
    assert profile.role("primary-user-admin").max_count == 1
    for role_id in ("user-admin", "certificate-admin", "message-admin"):
        assert profile.role(role_id).min_count == 2
    assert {r.id for r in profile.roles if r.create_first} == {"certificate-admin", "message-admin"}
    primary = profile.role("certificate-admin").primary
    assert primary is not None
    assert (primary.title, primary.count, primary.needs_phone, primary.must_be_employee) == (
        "Primary Certificate Admin", 1, True, True)
    assert [r.id for r in profile.roles if r.primary is not None] == ["certificate-admin"]
    assert {r.id for r in profile.roles if not r.portal_role} == {"dns-admin", "technical-lead"}


def _sourced_tables(p: Profile) -> list[tuple[str, Provenance]]:
    found: list[tuple[str, Provenance]] = []
    for r in p.roles:
        found.append((f"role {r.id}", r.provenance))
        if r.primary:
            found.append((f"role {r.id} primary", r.primary.provenance))
    for s in p.steps:
        found.append((f"step {s.id}", s.provenance))
        if s.duration:
            found.append((f"step {s.id} duration", s.duration.provenance))
    found += [(f"kind {k.id}", k.provenance) for k in p.certificate_kinds]
    found += [(f"environment {e.id}", e.provenance) for e in p.environments]
    found += [(f"audience {a.id}", a.provenance) for a in p.audiences]
    found += [(f"webhook rule {w.id}", w.provenance) for w in p.webhook_rules]
    found += [("reminders", p.reminders.provenance), ("dip_ids", p.dip_ids.provenance)]
    found += [("domain_verification", p.domain_verification.provenance), ("signing", p.signing.provenance)]
    found += [(f"package destination {d.id}", d.provenance) for d in p.package_destinations]
    return found


def test_every_shipped_rule_is_sourced_or_marked_unconfirmed_with_a_note(profile: Profile) -> None:
    tables = _sourced_tables(profile)
    assert len(tables) == 6 + 1 + 11 + 2 + 4 + 2 + 3 + 7 + 2 + 2 + 9
    for what, prov in tables:
        if prov.source is not None:
            assert prov.source.startswith("https://"), what
        if prov.confirmed:
            assert prov.source, f"{what} is confirmed but has no source"
        else:
            assert (prov.note or "").strip(), f"{what} is unconfirmed but has no note"
    # Both kinds exist in the shipped data, so the UI's "not confirmed" marking is exercised.
    assert {p.confirmed for _, p in tables} == {True, False}


def test_shipped_certificate_kinds(profile: Profile) -> None:
    for kind in profile.certificate_kinds:
        assert kind.default_algorithm in kind.algorithms
        assert profile.step(kind.step)  # refers to a real step
    assert profile.certificate_kind("webhook-tls").extended_key_usage == ("server_auth",)
    assert "ec-p256" not in profile.certificate_kind("dip-mtls").algorithms


def test_steps_for_environment(profile: Profile) -> None:
    uit = [s.id for s in profile.steps_for("uit")]
    production = [s.id for s in profile.steps_for("production")]
    assert uit == list(STEP_IDS[:-1])
    assert production == list(STEP_IDS)


@pytest.mark.parametrize(("method", "wanted", "what"), [
    ("role", "cert-admin", 'is not a role this profile knows. Use one of: primary-user-admin, user-admin'),
    ("step", "step-9", "is not a step this profile knows. Use one of: prerequisites, step-1"),
    ("certificate_kind", "tls", "is not a certificate kind this profile knows. Use one of: atlas-api"),
    ("environment", "staging", "is not an environment this profile knows. Use one of: uit, production."),
    ("audience", "ceo", "is not an audience this profile knows. Use one of: technical-lead"),
])
def test_lookup_of_unknown_id_lists_known_ids(profile: Profile, method: str, wanted: str, what: str) -> None:
    with pytest.raises(UnknownId) as info:
        getattr(profile, method)(wanted)
    assert str(info.value).startswith(f'"{wanted}" {what}')


def test_toml_writer_round_trips_the_shipped_profile(profile: Profile, profile_data: dict[str, Any],
                                                     write_profile: Callable[..., Path]) -> None:
    """The test's own TOML writer must be faithful, or the broken-variant tests below prove nothing."""
    reloaded = load_profile(write_profile(profile_data))
    assert dataclasses.replace(reloaded, path=profile.path) == profile


# ---------------------------------------------------------------- broken profiles: file, key path, problem

Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    """A mutation setting e.g. 'roles.2.min_count' (list indexes as numbers)."""
    *parents, last = path.split(".")

    def mutate(data: dict[str, Any]) -> None:
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value

    return mutate


def _delete(path: str) -> Mutation:
    *parents, last = path.split(".")

    def mutate(data: dict[str, Any]) -> None:
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        del node[last]

    return mutate


def _rename(path: str, new_key: str) -> Mutation:
    *parents, last = path.split(".")

    def mutate(data: dict[str, Any]) -> None:
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[new_key] = node.pop(last)

    return mutate


BROKEN = {
    "wrong type": (_set("roles.2.min_count", "two"), "roles[2].min_count",
                   'expected a whole number, got "two"'),
    "negative count": (_set("roles.2.min_count", -1), "roles[2].min_count", "0 or more, got -1"),
    "flag as text": (_set("roles.0.portal_role", "yes"), "roles[0].portal_role", 'true or false, got "yes"'),
    "missing key": (_delete("roles.0.name"), "roles[0].name", "is missing"),
    "missing table": (_delete("reminders"), "reminders", "is missing"),
    "typo in optional key": (_rename("roles.2.create_first", "create_frist"), "roles[2].create_frist",
                             "not a key this version of the wizard understands (a typo?)"),
    "typo beside the real key": (_set("roles.1.min_cuont", 2), "roles[1].min_cuont", "(a typo?)"),
    "unknown top-level table": (_set("extras", {"a": 1}), "extras", "(a typo?)"),
    "unknown owner role": (_set("steps.3.owner_roles", ["certificate-admn"]), "steps[3].owner_roles",
                           '"certificate-admn" is not a role defined in this profile'),
    "unknown helper role": (_set("steps.5.helper_roles", ["dns"]), "steps[5].helper_roles", '"dns" is not a role'),
    "empty owner roles": (_set("steps.1.owner_roles", []), "steps[1].owner_roles", "at least one role"),
    "requires a later step": (_set("steps.2.requires_steps", ["step-5"]), "steps[2].requires_steps",
                              '"step-5" is not a step defined earlier'),
    "requires itself": (_set("steps.2.requires_steps", ["step-2"]), "steps[2].requires_steps", "earlier"),
    "unknown step environment": (_set("steps.1.environments", ["uit", "staging"]), "steps[1].environments",
                                 '"staging" is not a'),
    "bad production handling": (_set("steps.1.production", "sometimes"), "steps[1].production",
                                '"sometimes" is not one of repeat, reuse, confirm'),
    "zero duration": (_set("steps.3.duration.hours", 0), "steps[3].duration.hours", "greater than 0"),
    "duplicate role id": (_set("roles.3.id", "user-admin"), "roles[3].id", '"user-admin" is used twice'),
    "duplicate step id": (_set("steps.4.id", "step-3"), "steps[4].id", '"step-3" is used twice'),
    "bad id form": (_set("roles.0.id", "Primary User Admin"), "roles[0].id", "does not match the required form"),
    "counts_as unknown": (_set("roles.0.counts_as", ["user-admins"]), "roles[0].counts_as",
                          '"user-admins" is not another role'),
    "counts_as itself": (_set("roles.1.counts_as", ["user-admin"]), "roles[1].counts_as", '"user-admin"'),
    "max below min": (_set("roles.1.max_count", 1), "roles[1].max_count", "smaller than min_count (2)"),
    "primary count zero": (_set("roles.2.primary.count", 0), "roles[2].primary.count", "1 or more, got 0"),
    "default algorithm not offered": (_set("certificate_kinds.0.default_algorithm", "ec-p256"),
                                      "certificate_kinds[0].default_algorithm",
                                      "\"ec-p256\" is not in this kind's algorithms"),
    "unknown algorithm": (_set("certificate_kinds.0.algorithms", ["rsa-1024"]), "certificate_kinds[0].algorithms",
                          '"rsa-1024" is not one of rsa-2048'),
    "same algorithm twice": (_set("certificate_kinds.0.algorithms", ["rsa-2048", "rsa-2048"]),
                             "certificate_kinds[0].algorithms", "the same entry twice"),
    "bad subject placeholder": (_set("certificate_kinds.1.subject.cn", "{org}.example"),
                                "certificate_kinds[1].subject.cn", "uses {org}; templates may only use "
                                "{organisation}, {domain}, {company_number}"),
    "empty placeholder": (_set("certificate_kinds.1.subject.o", "{}"), "certificate_kinds[1].subject.o", "uses {}"),
    "bad country": (_set("certificate_kinds.1.subject.c", "gb"), "certificate_kinds[1].subject.c",
                    "does not match the required form"),
    "unknown kind step": (_set("certificate_kinds.2.step", "step-42"), "certificate_kinds[2].step",
                          '"step-42" is not a step'),
    "unknown key usage": (_set("certificate_kinds.2.key_usage", ["signing"]), "certificate_kinds[2].key_usage",
                          '"signing" is not one of'),
    "unknown audience role": (_set("audiences.0.role", "cto"), "audiences[0].role", '"cto" is not a role'),
    "unknown webhook check": (_set("webhook_rules.0.check", "dns"), "webhook_rules[0].check", "is not one of"),
    "scheme rule without value": (_delete("webhook_rules.0.value"), "webhook_rules[0].value", "is missing"),
    "port out of range": (_set("webhook_rules.3.value", ["70000"]), "webhook_rules[3].value", "between 1 and 65535"),
    "bad severity": (_set("webhook_rules.3.severity", "fatal"), "webhook_rules[3].severity",
                     '"fatal" is not one of error, warning'),
    "lead days ascending": (_set("reminders.lead_days", [14, 30, 60]), "reminders.lead_days", "largest first"),
    "lead days empty": (_set("reminders.lead_days", []), "reminders.lead_days", "non-empty list"),
    "invalid mpid pattern": (_set("dip_ids.mpid_pattern", "[A-Z"), "dip_ids.mpid_pattern",
                             "is not a valid regular expression"),
    # Patterns that backtrack catastrophically ((a+)+ took 16 s on 29 a's and "!") are refused when loaded.
    "path pattern that backtracks": (_set("webhook_rules.6.value", ["/(a+)+"]), "webhook_rules[6].value",
                                     "could take exponential time"),
    "mpid pattern that backtracks": (_set("dip_ids.mpid_pattern", "^(A|AB)*$"), "dip_ids.mpid_pattern",
                                     "could take exponential time"),
    "channel pattern that backtracks": (_set("dip_ids.channel_pattern", "(IF-[0-9]*)*"), "dip_ids.channel_pattern",
                                        "could take exponential time"),
    # Profile text is shown to people as it is: no control, bidi or invisible characters.
    "role name with an escape sequence": (_set("roles.0.name", "User Admin\x1b[8m"), "roles[0].name",
                                          "control, bidi or invisible characters"),
    "message with a bidi override": (_set("webhook_rules.0.message", "Use https\u202e"),
                                     "webhook_rules[0].message", "control, bidi or invisible characters"),
    "a list entry with a newline": (_set("dip_ids.role_codes", ["LDSO", "UM\nSO"]), "dip_ids.role_codes",
                                    "control, bidi or invisible characters"),
    "lead days beyond sense": (_set("reminders.lead_days", [999999999999]), "reminders.lead_days",
                               "at most 36,500"),
    "schema newer than supported": (_set("profile.schema", 2), "profile.schema",
                                    "is 2, newer than this wizard understands (1)"),
    "schema zero": (_set("profile.schema", 0), "profile.schema", "must be 1, got 0"),
    "confirmed without source": (_delete("roles.0.source"), "roles[0].source",
                                 "is missing: give the public source, or set confirmed = false with a note"),
    "explicitly confirmed without source": (
        lambda d: (d["environments"][0].pop("source"), d["environments"][0].update(confirmed=True)),
        "environments[0].source", "is missing: give the public source"),
    "unconfirmed without note": (_delete("roles.5.note"), "roles[5].note",
                                 "is missing: an unconfirmed rule must say in plain words what it assumes"),
    "unconfirmed duration without note": (
        _set("steps.3.duration.confirmed", False), "steps[3].duration.note", "is missing"),
    "source not https": (_set("roles.0.source", "http://example.com/page"), "roles[0].source",
                         'must be an https:// address, got "http://example.com/page"'),
    "empty source": (_set("roles.0.source", " "), "roles[0].source", "expected non-empty text"),
}


@pytest.mark.parametrize("case", BROKEN.values(), ids=BROKEN.keys())
def test_broken_profile_names_file_key_and_problem(case: tuple[Mutation, str, str], profile_data: dict[str, Any],
                                                   write_profile: Callable[..., Path]) -> None:
    mutate, key, problem = case
    mutate(profile_data)
    path = write_profile(profile_data, "broken-profile.toml")
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    err = info.value
    assert (err.file, err.key) == ("broken-profile.toml", key)
    assert str(err).startswith(f"broken-profile.toml: {key}: ")
    assert problem in err.problem


def test_bad_san_template_names_the_list_entry(profile_data: dict[str, Any],
                                               write_profile: Callable[..., Path]) -> None:
    profile_data["certificate_kinds"][3]["san_dns"] = ["{domain}", "www.{domian}"]
    with pytest.raises(ProfileError) as info:
        load_profile(write_profile(profile_data))
    assert info.value.key.startswith("certificate_kinds[3].san_dns[1]")
    assert "{domian}" in info.value.problem


def test_unconfirmed_rule_without_source_is_accepted(profile_data: dict[str, Any],
                                                     write_profile: Callable[..., Path]) -> None:
    """`source` is optional when confirmed = false and a note is given."""
    del profile_data["webhook_rules"][5]["source"]
    loaded = load_profile(write_profile(profile_data))
    assert loaded.webhook_rules[5].provenance == Provenance(None, False, profile_data["webhook_rules"][5]["note"])


def test_invalid_toml_names_the_file(profile: Profile, write_profile: Callable[..., Path]) -> None:
    text = Path(profile.path).read_text(encoding="utf-8").replace('min_count = 2\n', 'min_count = = 2\n', 1)
    with pytest.raises(ProfileError) as info:
        load_profile(write_profile(text, "typo.toml"))
    assert str(info.value).startswith("typo.toml: is not valid TOML (")
    assert "line" in str(info.value)


def test_non_utf8_profile_is_refused(profile: Profile, write_profile: Callable[..., Path]) -> None:
    raw = Path(profile.path).read_bytes().replace(b"Elexon", "\xc9lexon".encode("latin-1"), 1)
    with pytest.raises(ProfileError) as info:
        load_profile(write_profile(raw, "latin1.toml"))
    assert str(info.value) == "latin1.toml: is not UTF-8 text"


def test_missing_profile_file(tmp_path: Path) -> None:
    with pytest.raises(ProfileError) as info:
        load_profile(tmp_path / "absent.toml")
    assert str(info.value).startswith("absent.toml: cannot be read (")


def test_parse_profile_checks_already_parsed_data(profile_data: dict[str, Any]) -> None:
    profile_data["profile"]["id"] = "DIP MHHS"
    with pytest.raises(ProfileError) as info:
        parse_profile(profile_data, file="in-memory")
    assert str(info.value).startswith("in-memory: profile.id: ")


# ---------------------------------------------------------------- never anything but ProfileError


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.binary(max_size=400))
def test_random_bytes_only_ever_raise_profile_error(junk: bytes, tmp_path: Path) -> None:
    path = tmp_path / "junk.toml"
    path.write_bytes(junk)
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert str(info.value).startswith("junk.toml: ")


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_deleting_shipped_lines_gives_a_profile_or_profile_error(data: st.DataObject, profile: Profile,
                                                                tmp_path: Path) -> None:
    """Cutting any run of lines out of the real file either still loads or is named as a ProfileError."""
    lines = Path(profile.path).read_text(encoding="utf-8").splitlines(keepends=True)
    start = data.draw(st.integers(0, len(lines) - 1))
    stop = data.draw(st.integers(start + 1, min(len(lines), start + 12)))
    path = tmp_path / "cut.toml"
    path.write_text("".join(lines[:start] + lines[stop:]), encoding="utf-8")
    try:
        load_profile(path)
    except ProfileError as exc:
        message = str(exc)
    else:
        return
    assert message.startswith("cut.toml: ")


_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-3, 70000), st.floats(allow_nan=False),
                    st.text(alphabet=string.printable, max_size=12), st.lists(st.text(max_size=5), max_size=3),
                    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2))


def _leaf_paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _leaf_paths(v, (*prefix, k))] or [prefix]
    if isinstance(node, list) and node and all(isinstance(v, dict) for v in node):
        return [p for i, v in enumerate(node) for p in _leaf_paths(v, (*prefix, i))]
    return [prefix]


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_single_wrong_value_gives_a_profile_or_profile_error(data: st.DataObject,
                                                                profile_data: dict[str, Any]) -> None:
    """Replacing any one value in the real profile by something of another shape never crashes the loader."""
    import copy

    doc = copy.deepcopy(profile_data)
    where = data.draw(st.sampled_from(_leaf_paths(doc)))
    node: Any = doc
    for part in where[:-1]:
        node = node[part]
    node[where[-1]] = data.draw(_LEAVES)
    try:
        parse_profile(doc, file="fuzz.toml")
    except ProfileError as exc:
        message = str(exc)
    else:
        return
    assert re.match(r"fuzz\.toml: \S", message)


# ---------------------------------------------------------------- bugs: loader crashes instead of ProfileError


def test_port_rule_with_non_ascii_digit_is_a_profile_error(profile_data: dict[str, Any],
                                                           write_profile: Callable[..., Path]) -> None:
    """"²".isdigit() is true but int("²") fails: the port check must still answer with a ProfileError."""
    profile_data["webhook_rules"][3]["value"] = ["²"]
    with pytest.raises(ProfileError) as info:
        load_profile(write_profile(profile_data))
    assert info.value.key == "webhook_rules[3].value"


def test_mpid_pattern_with_huge_repeat_is_a_profile_error(profile_data: dict[str, Any],
                                                          write_profile: Callable[..., Path]) -> None:
    """re.compile raises OverflowError (not re.error) for a repeat count beyond its limit."""
    profile_data["dip_ids"]["mpid_pattern"] = "^[A-Z]{4294967296}$"
    with pytest.raises(ProfileError) as info:
        load_profile(write_profile(profile_data))
    assert info.value.key == "dip_ids.mpid_pattern"


def test_deeply_nested_toml_is_a_profile_error(write_profile: Callable[..., Path]) -> None:
    """tomllib recurses per nesting level; a damaged file must not escape as RecursionError."""
    depth = 50_000
    path = write_profile("x = " + "[" * depth + "]" * depth + "\n", "nested.toml")
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert str(info.value).startswith("nested.toml: ")


def test_a_number_of_thousands_of_digits_is_a_plain_profile_error(tmp_path: Path) -> None:
    shipped = Path(__file__).resolve().parents[2] / "resources" / "profiles" / "dip-mhhs.toml"
    text = shipped.read_text(encoding="utf-8").replace("lead_days = [60, 30, 14]",
                                                             "lead_days = [" + "9" * 5000 + "]")
    path = tmp_path / "huge.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError, match="far too long"):
        load_profile(path)
