"""CSRs from the profile's templates: subject, SANs, SHA-256 signature, key usages; the plain-words description;
the OpenSSL config and commands for the technical colleague (OpenSSL itself runs them in tests/interop)."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from wizard.core.csr import build_csr, csr_pem, openssl_commands, openssl_config
from wizard.core.csr_subject import describe_csr, subject_for
from wizard.core.errors import InvalidInput
from wizard.core.keys import PrivateKey, format_fingerprint, generate_private_key, public_fingerprint
from wizard.core.model import KeyRecord, Organisation
from wizard.core.profile import CertificateKind, Profile

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
ACME = Organisation("Acme Energy Ltd", "01234567", "acme.example")
KIND_IDS = ["atlas-api", "dip-signing", "dip-mtls", "webhook-tls"]
EXPECTED_CN = {"atlas-api": "Acme Energy Ltd Atlas API", "dip-signing": "acme.example", "dip-mtls": "acme.example",
               "webhook-tls": "acme.example"}
EXPECTED_SAN: dict[str, list[str]] = {"atlas-api": [], "dip-signing": ["acme.example"], "dip-mtls": ["acme.example"],
                                      "webhook-tls": ["acme.example"]}
KEY_USAGE_FIELDS = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
                    "key_agreement", "key_cert_sign", "crl_sign")
EKU_OIDS = {"client_auth": ExtendedKeyUsageOID.CLIENT_AUTH, "server_auth": ExtendedKeyUsageOID.SERVER_AUTH}


@pytest.fixture(scope="module")
def rsa_key() -> PrivateKey:
    return generate_private_key("rsa-2048")


@pytest.fixture(scope="module")
def ec_key() -> PrivateKey:
    return generate_private_key("ec-p256")


def record_for(kind: CertificateKind, key: PrivateKey, algorithm: str, vault: str = "keychain") -> KeyRecord:
    return KeyRecord(id="k-0011223344556677", kind=kind.id, algorithm=algorithm,
                     fingerprint=public_fingerprint(key.public_key()), created_at=NOW, vault=vault)


def names(csr: x509.CertificateSigningRequest, oid: x509.ObjectIdentifier) -> list[str]:
    return [str(a.value) for a in csr.subject.get_attributes_for_oid(oid)]


# ---------------------------------------------------------------- subject, SANs, signature, extensions


@pytest.mark.parametrize("kind_id", KIND_IDS)
def test_csr_names_the_organisation_per_the_template(profile: Profile, rsa_key: PrivateKey, kind_id: str) -> None:
    kind = profile.certificate_kind(kind_id)
    csr = build_csr(kind, ACME, rsa_key)
    assert names(csr, NameOID.ORGANIZATION_NAME) == ["Acme Energy Ltd"]
    assert names(csr, NameOID.COUNTRY_NAME) == ["GB"]
    assert names(csr, NameOID.COMMON_NAME) == [EXPECTED_CN[kind_id]]
    assert names(csr, NameOID.ORGANIZATIONAL_UNIT_NAME) == []
    assert [a.oid for a in csr.subject] == [NameOID.COUNTRY_NAME, NameOID.ORGANIZATION_NAME, NameOID.COMMON_NAME]
    sans = [e for e in csr.extensions if e.oid == x509.ExtensionOID.SUBJECT_ALTERNATIVE_NAME]
    if EXPECTED_SAN[kind_id]:
        [san] = sans
        assert not san.critical
        assert isinstance(san.value, x509.SubjectAlternativeName)
        assert san.value.get_values_for_type(x509.DNSName) == EXPECTED_SAN[kind_id]
        assert len(list(san.value)) == len(EXPECTED_SAN[kind_id])
    else:
        assert sans == []


@pytest.mark.parametrize("kind_id", KIND_IDS)
def test_csr_subject_follows_the_organisation(profile: Profile, rsa_key: PrivateKey, kind_id: str) -> None:
    org = Organisation("Northwind Networks Ltd", "09876543", "northwind.example")
    csr = build_csr(profile.certificate_kind(kind_id), org, rsa_key)
    assert names(csr, NameOID.ORGANIZATION_NAME) == ["Northwind Networks Ltd"]
    assert names(csr, NameOID.COMMON_NAME) == [EXPECTED_CN[kind_id].replace("Acme Energy Ltd", "Northwind Networks "
                                                                            "Ltd").replace("acme", "northwind")]


@pytest.mark.parametrize(("kind_id", "algorithm"), [
    (kind_id, algorithm) for kind_id in KIND_IDS for algorithm in ("rsa", "ec") if kind_id == "webhook-tls" or
    algorithm == "rsa"])
def test_csr_is_signed_with_sha256_and_its_key(profile: Profile, rsa_key: PrivateKey, ec_key: PrivateKey,
                                               kind_id: str, algorithm: str) -> None:
    key = rsa_key if algorithm == "rsa" else ec_key
    csr = build_csr(profile.certificate_kind(kind_id), ACME, key)
    assert csr.is_signature_valid
    assert isinstance(csr.signature_hash_algorithm, hashes.SHA256)
    expected = x509.SignatureAlgorithmOID.RSA_WITH_SHA256 if algorithm == "rsa" else \
        x509.SignatureAlgorithmOID.ECDSA_WITH_SHA256
    assert csr.signature_algorithm_oid == expected
    public = csr.public_key()
    assert isinstance(public, rsa.RSAPublicKey | ec.EllipticCurvePublicKey)
    assert public_fingerprint(public) == public_fingerprint(key.public_key())


@pytest.mark.parametrize("kind_id", KIND_IDS)
def test_csr_requests_the_profiles_key_usages(profile: Profile, rsa_key: PrivateKey, kind_id: str) -> None:
    kind = profile.certificate_kind(kind_id)
    csr = build_csr(kind, ACME, rsa_key)
    ku = csr.extensions.get_extension_for_class(x509.KeyUsage)
    assert ku.critical
    for field in KEY_USAGE_FIELDS:
        assert getattr(ku.value, field) is (field in kind.key_usage), field
    eku = csr.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert not eku.critical
    assert list(eku.value) == [EKU_OIDS[e] for e in kind.extended_key_usage]
    # The profile, as it stands: client authentication everywhere but the webhook's server certificate.
    assert list(eku.value) == ([ExtendedKeyUsageOID.SERVER_AUTH] if kind_id == "webhook-tls"
                               else [ExtendedKeyUsageOID.CLIENT_AUTH])
    assert {e.oid for e in csr.extensions} <= {x509.ExtensionOID.KEY_USAGE, x509.ExtensionOID.EXTENDED_KEY_USAGE,
                                               x509.ExtensionOID.SUBJECT_ALTERNATIVE_NAME}


def test_ec_csr_does_not_ask_for_key_encipherment(profile: Profile, ec_key: PrivateKey) -> None:
    """Was a bug: the webhook kind accepts ec-p256 and lists key_encipherment; build_csr (and openssl_config) asked
    it for an EC key too. An EC key cannot do key transport; RFC 8813 (updating RFC 5480 section 3) says
    keyEncipherment and dataEncipherment are not set for id-ecPublicKey keys, and a CA may refuse such a request
    or issue a certificate that strict TLS clients reject."""
    csr = build_csr(profile.certificate_kind("webhook-tls"), ACME, ec_key)
    ku = csr.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ku.digital_signature
    assert not ku.key_encipherment


def test_csr_pem(profile: Profile, rsa_key: PrivateKey) -> None:
    csr = build_csr(profile.certificate_kind("dip-mtls"), ACME, rsa_key)
    pem = csr_pem(csr)
    assert pem.startswith("-----BEGIN CERTIFICATE REQUEST-----\n")
    assert pem.endswith("-----END CERTIFICATE REQUEST-----\n")
    assert "PRIVATE" not in pem
    assert x509.load_pem_x509_csr(pem.encode("ascii")).subject == csr.subject


def test_non_ascii_organisation_names(profile: Profile, rsa_key: PrivateKey) -> None:
    org = Organisation("Énergie Société Ørsted Ltd", "01234567", "energie.example")
    csr = build_csr(profile.certificate_kind("atlas-api"), org, rsa_key)
    assert names(csr, NameOID.ORGANIZATION_NAME) == ["Énergie Société Ørsted Ltd"]
    assert names(csr, NameOID.COMMON_NAME) == ["Énergie Société Ørsted Ltd Atlas API"]


# ---------------------------------------------------------------- names too long for a certificate


@pytest.mark.parametrize("kind_id", KIND_IDS)
def test_organisation_name_over_64_characters_is_refused(profile: Profile, rsa_key: PrivateKey,
                                                         kind_id: str) -> None:
    kind = profile.certificate_kind(kind_id)
    org = Organisation("A" * 62 + " Ltd", "01234567", "acme.example")  # 66 characters
    with pytest.raises(InvalidInput) as refused:
        build_csr(kind, org, rsa_key)
    message = str(refused.value)
    assert refused.value.field == "organisation"
    assert "\n" not in message
    assert "at most 64" in message
    assert "66 characters" in message or "76 characters" in message
    assert kind.name in message
    assert "Shorten the organisation name or domain" in message
    with pytest.raises(InvalidInput):
        describe_csr(kind, org, record_for(kind, rsa_key, "rsa-2048"))
    with pytest.raises(InvalidInput):
        openssl_config(kind, org)


def test_common_name_from_a_long_organisation_name_is_refused(profile: Profile) -> None:
    """The Atlas CN adds " Atlas API" (10 characters) to the name: 55 characters is the longest that fits."""
    kind = profile.certificate_kind("atlas-api")
    assert subject_for(kind, Organisation("B" * 54, "01234567", "acme.example")).common_name == "B" * 54 + " Atlas API"
    with pytest.raises(InvalidInput) as refused:
        subject_for(kind, Organisation("B" * 55, "01234567", "acme.example"))
    assert "The common name for the GlobalSign Atlas API certificate would be 65 characters" in str(refused.value)
    # The same name is fine for the kinds whose common name is the domain.
    assert subject_for(profile.certificate_kind("dip-mtls"), Organisation("B" * 55, "01234567", "acme.example"))


def test_exactly_64_characters_is_accepted(profile: Profile) -> None:
    org = Organisation("C" * 64, "01234567", "acme.example")
    assert subject_for(profile.certificate_kind("dip-mtls"), org).organisation == "C" * 64


def test_long_domain_as_common_name_is_refused(profile: Profile) -> None:
    domain = "a" * 60 + ".example"  # 68 characters: a fine domain, too long for a common name
    with pytest.raises(InvalidInput) as refused:
        subject_for(profile.certificate_kind("dip-mtls"), Organisation("Acme Energy Ltd", "01234567", domain))
    assert "common name" in str(refused.value)
    assert "68 characters" in str(refused.value)


# ---------------------------------------------------------------- describe_csr


@pytest.mark.parametrize("kind_id", KIND_IDS)
def test_describe_csr_in_plain_words(profile: Profile, rsa_key: PrivateKey, kind_id: str) -> None:
    kind = profile.certificate_kind(kind_id)
    record = record_for(kind, rsa_key, "rsa-3072")
    text = "\n".join(describe_csr(kind, ACME, record))
    assert kind.name in text
    assert '"Acme Energy Ltd"' in text
    assert "GB" in text
    assert f'"{EXPECTED_CN[kind_id]}"' in text
    assert format_fingerprint(record.fingerprint, groups=16) in text
    assert format_fingerprint(record.fingerprint, groups=16).replace(" ", "") == record.fingerprint.upper()
    assert "RSA 3072-bit" in text
    assert "kept in your keychain" in text
    assert "only the public half is in the request" in text
    if EXPECTED_SAN[kind_id]:
        assert "acme.example" in text
    words = "server authentication" if kind_id == "webhook-tls" else "client authentication"
    assert words in text
    assert "Not confirmed by public guidance" in text  # every kind in the shipped profile is unconfirmed


def test_describe_csr_names_the_file_vault(profile: Profile, ec_key: PrivateKey) -> None:
    kind = profile.certificate_kind("webhook-tls")
    text = "\n".join(describe_csr(kind, ACME, record_for(kind, ec_key, "ec-p256", vault="file")))
    assert "EC P-256, kept in your file vault" in text


# ---------------------------------------------------------------- OpenSSL config and commands


def dn_lines(config: str) -> dict[str, str]:
    section = config.split("[ dn ]\n", 1)[1].split("\n\n", 1)[0]
    return dict(line.split(" = ", 1) for line in section.splitlines())


@pytest.mark.parametrize("kind_id", KIND_IDS)
def test_openssl_config_matches_the_csr(profile: Profile, kind_id: str) -> None:
    kind = profile.certificate_kind(kind_id)
    config = openssl_config(kind, ACME)
    assert dn_lines(config) == {"C": "GB", "O": "Acme Energy Ltd", "CN": EXPECTED_CN[kind_id]}
    for line in ("prompt = no", "utf8 = yes", "string_mask = utf8only", "default_md = sha256",
                 "distinguished_name = dn", "req_extensions = ext"):
        assert line in config.splitlines()
    ku = "keyUsage = critical, digitalSignature" + (", keyEncipherment" if "key_encipherment" in kind.key_usage
                                                    else "")
    assert ku in config.splitlines()
    eku = "serverAuth" if kind_id == "webhook-tls" else "clientAuth"
    assert f"extendedKeyUsage = {eku}" in config.splitlines()
    san = [line for line in config.splitlines() if line.startswith("subjectAltName")]
    assert san == (["subjectAltName = DNS:acme.example"] if EXPECTED_SAN[kind_id] else [])


@pytest.mark.parametrize(("name", "written"), [
    ("Acme $HOME Ltd", r"Acme \$HOME Ltd"),
    ('Acme "Quoted" Ltd', r"Acme \"Quoted\" Ltd"),
    ("Acme #1 Ltd", r"Acme \#1 Ltd"),
    ("Acme; Ltd", r"Acme\; Ltd"),
    ("Acme \\ Ltd", r"Acme \\ Ltd"),
    ("Acme ${ENV::HOME} Ltd", r"Acme \${ENV::HOME} Ltd"),
    ("Énergie Société Ltd", "Énergie Société Ltd"),
    ("日本電力株式会社", "日本電力株式会社"),
])
def test_openssl_config_escapes_what_openssl_would_interpret(profile: Profile, name: str, written: str) -> None:
    org = Organisation(name, "01234567", "acme.example")
    dn = dn_lines(openssl_config(profile.certificate_kind("dip-mtls"), org))
    assert dn["O"] == written
    atlas = dn_lines(openssl_config(profile.certificate_kind("atlas-api"), org))
    assert atlas["CN"] == written + " Atlas API"


def test_openssl_config_escapes_apostrophes(profile: Profile) -> None:
    """Was a bug: OpenSSL's config parser treats ' as a quote character as well as " (conf_def.h: CONF_QUOTE), so
    "O'Brien Energy Ltd" written unescaped comes out of `openssl req` as "OBrien Energy Ltd" (and "Sainsbury's"
    as "Sainsburys"): the colleague's CSR names a different organisation. _cnf_value must escape ' too
    (tests/interop shows OpenSSL's own reading)."""
    org = Organisation("O'Brien Energy Ltd", "01234567", "obrien.example")
    dn = dn_lines(openssl_config(profile.certificate_kind("dip-mtls"), org))
    assert dn["O"] == r"O\'Brien Energy Ltd"


@pytest.mark.parametrize(("algorithm", "genkey"), [
    ("rsa-2048", "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -aes-256-cbc -out dip-mtls.key.pem"),
    ("rsa-3072", "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -aes-256-cbc -out dip-mtls.key.pem"),
    ("rsa-4096", "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 -aes-256-cbc -out dip-mtls.key.pem"),
    ("ec-p256", "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -aes-256-cbc -out dip-mtls.key.pem"),
])
def test_openssl_commands(profile: Profile, algorithm: str, genkey: str) -> None:
    commands = openssl_commands(profile.certificate_kind("dip-mtls"), algorithm).splitlines()
    runnable = [line for line in commands if line and not line.startswith("#")]
    assert runnable == [genkey,
                        "openssl req -new -key dip-mtls.key.pem -config dip-mtls.cnf -out dip-mtls.csr.pem",
                        "openssl req -in dip-mtls.csr.pem -noout -verify -text"]
    assert any("passphrase" in line for line in commands if line.startswith("#"))


def test_the_openssl_config_keeps_its_sections_whatever_the_names_hold(profile: Profile) -> None:
    # Names are checked when typed and when a project is loaded; the config writer still never lets a value
    # start a line of its own (which would add sections or extensions to the request).
    kind = profile.certificate_kind("dip-mtls")
    org = Organisation("Acme\r\n[ ext ]\nbasicConstraints = critical, CA:TRUE", "01234567", "acme.example")
    config = openssl_config(kind, org)
    lines = config.splitlines()
    assert [line for line in lines if line.startswith("[")] == ["[ req ]", "[ dn ]", "[ ext ]"]
    assert not any(line.startswith("basicConstraints") for line in lines)
    assert "O = Acme\\r\\n[ ext ]\\nbasicConstraints = critical, CA:TRUE" in lines
