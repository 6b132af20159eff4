"""The offline help: every page has a section, every link works without a network, the glossary is readable."""

from __future__ import annotations

from pathlib import Path

from wizard.app import resources_dir
from wizard.core.flow import PageId
from wizard.core.help import broken_links, glossary, help_dir, topic_exists
from wizard.core.help_topics import topic_for_page

HELP = help_dir(resources_dir())


def test_every_wizard_page_has_a_section_in_the_help() -> None:
    for page in PageId:
        topic = topic_for_page(page.name)
        assert "#" in topic, f"{page.name} falls back to the contents page"
        assert topic_exists(HELP, topic), topic


def test_the_shipped_help_has_no_broken_or_online_only_links() -> None:
    assert broken_links(HELP) == []


def test_the_link_check_finds_each_kind_of_broken_link(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(
        "<p id='top'><a href='a.html#top'>ok</a> <a href='#top'>ok</a> <a href='https://example.org/'>ok</a>"
        "<a href='b.html'>missing page</a> <a href='a.html#nowhere'>missing section</a>"
        "<a href='http://example.org/'>not https</a> <a href='/etc/passwd'>absolute</a>"
        "<a href='javascript:alert(1)'>script</a></p>")
    problems = broken_links(tmp_path)
    assert len(problems) == 5, problems
    assert any("b.html names a help page" in p for p in problems)
    assert any("a.html#nowhere names a section" in p for p in problems)
    assert sum("not an https link" in p for p in problems) == 3


def test_the_glossary_explains_the_jargon_the_wizard_uses() -> None:
    terms = {t.id: t for t in glossary(HELP)}
    for needed in ("csr", "pfx", "pem", "eku", "mtls", "txt-record", "mpid", "dip-id", "keychain", "webhook"):
        assert needed in terms, needed
        assert len(terms[needed].definition.split()) >= 8, f"{needed}: too short to explain anything"
    assert terms["csr"].term == "CSR"
    assert "Certificate Signing Request" in terms["csr"].definition
