"""The evidence pack (core/evidence.py) as one self-contained HTML page: for a browser, and for Qt's QTextDocument,
which prints it to PDF (wizard/evidence_pdf.py).

Every value is escaped (and made one line of visible characters by `shown`): an organisation name, a person's name
or a webhook address is text, never markup, whatever it holds. The style keeps to what QTextDocument understands:
tables with `border`/`cellpadding` attributes, `thead` rows (repeated at the top of each printed page), simple CSS.
"""

from __future__ import annotations

import html

from wizard.core.evidence import Block, Cell, Code, EvidencePack, Facts, Paragraph, Section, Table
from wizard.core.shown import shown

_TONES = {"ok": "#1b6e20", "problem": "#a11b1b"}
_STYLE = """
body { font-family: sans-serif; color: #1a1a1a; }
h1 { font-size: 17pt; margin-bottom: 2pt; }
h2 { font-size: 13pt; margin-top: 16pt; margin-bottom: 4pt; }
h3 { font-size: 10.5pt; margin-top: 10pt; margin-bottom: 3pt; }
p { margin-top: 3pt; margin-bottom: 5pt; }
p.made { color: #444444; }
table { border-collapse: collapse; margin-bottom: 6pt; }
th { background-color: #e8ecf1; text-align: left; font-weight: bold; }
th.label { width: 28%; }
code { font-family: monospace; }
"""


def _text(value: str) -> str:
    return html.escape(shown(value), quote=True)


def _cell(value: Cell) -> str:
    if isinstance(value, Code):
        return f"<code>{_text(value.text)}</code>"
    return _text(value)


def _table_open() -> str:
    return '<table border="1" cellspacing="0" cellpadding="4" width="100%">'


def _width(percent: int) -> str:
    return f' width="{percent}%"' if percent else ""


def _caption(text: str) -> str:
    return f"<h3>{_text(text)}</h3>" if text else ""


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        colour = _TONES.get(block.tone)
        text = _text(block.text)
        return f'<p><b style="color:{colour}">{text}</b></p>' if colour else f"<p>{text}</p>"
    if isinstance(block, Facts):
        rows = "".join(f'<tr><th class="label" width="28%">{_text(label)}</th><td>{_cell(value)}</td></tr>'
                       for label, value in block.rows)
        return f"{_caption(block.caption)}{_table_open()}{rows}</table>"
    assert isinstance(block, Table)
    widths = block.widths if len(block.widths) == len(block.headers) else (0,) * len(block.headers)
    head = "".join(f"<th{_width(w)}>{_text(h)}</th>" for h, w in zip(block.headers, widths, strict=True))
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in block.rows)
    if not block.rows:
        body = f'<tr><td colspan="{len(block.headers)}">None.</td></tr>'
    return f"{_caption(block.caption)}{_table_open()}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _section(section: Section) -> str:
    return f'<h2 id="{_text(section.id)}">{_text(section.title)}</h2>' + "".join(_block(b) for b in section.blocks)


def pack_html(pack: EvidencePack) -> str:
    """The whole pack as an HTML document (UTF-8, no scripts, no outside resources)."""
    made = f"Made on {pack.made_at:%d %b %Y at %H:%M} UTC by {pack.made_by}."
    verdict = _block(Paragraph(pack.audit_result, "ok" if pack.audit_ok else "problem"))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{_text(pack.title)}</title><style>{_STYLE}</style></head><body>"
            f"<h1>Onboarding evidence pack</h1><p><b>{_text(pack.organisation)}</b> — {_text(pack.environment)}</p>"
            f'<p class="made">{_text(made)}</p>{verdict}'
            + "".join(_section(s) for s in pack.sections) + "</body></html>\n")
