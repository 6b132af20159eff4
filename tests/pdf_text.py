"""The text of a PDF written by Qt's QPdfWriter, read the way a PDF viewer's search or `pdftotext` reads it: each
page's content stream (Flate-compressed), its glyphs (`<hex> Tj` / `[...] TJ` in the font set by `Tf`) mapped to
Unicode through each font's ToUnicode CMap. No PDF library and no poppler, so the tests run wherever the suite does
(under Wine too). Only what QPdfWriter writes is handled; anything else fails loudly rather than reading wrong.

Word spaces and line breaks are placement in a PDF, not characters, so compare with `flat` (whitespace removed)."""

from __future__ import annotations

import re
import zlib

_TOKEN = re.compile(rb"/([A-Za-z0-9]+)\s+[-0-9.]+\s+Tf|<([0-9A-Fa-f]*)>\s*Tj|\[((?:[^\]])*)\]\s*TJ")


def _objects(data: bytes) -> dict[int, bytes]:
    """Each object's text, a stream's data cut by its /Length (compressed data may hold any byte)."""
    numbers = {int(n): int(v) for n, v in re.findall(rb"(\d+) 0 obj\s*(\d+)\s*endobj", data)}
    found: dict[int, bytes] = {}
    for start in re.finditer(rb"(\d+) 0 obj\s*", data):
        number, at = int(start.group(1)), start.end()
        stream = data.find(b"stream", at)
        end = data.find(b"endobj", at)
        if 0 <= stream < end and data[at:at + 2] == b"<<":
            head = data[at:stream]
            length = re.search(rb"/Length (\d+)( 0 R)?", head)
            assert length is not None, head
            size = numbers[int(length.group(1))] if length.group(2) else int(length.group(1))
            begin = stream + len(b"stream") + (2 if data[stream + 6:stream + 8] == b"\r\n" else 1)
            found[number] = head + b"stream\n" + data[begin:begin + size]
        else:
            found[number] = data[at:end]
    return found


def _stream(body: bytes) -> bytes:
    head, _, raw = body.partition(b"stream\n")
    assert raw, body[:80]
    return zlib.decompress(raw) if b"/FlateDecode" in head else raw


def _hex_units(text: bytes) -> list[int]:
    return [int(text[i:i + 4], 16) for i in range(0, len(text), 4)]


def _cmap(text: bytes) -> dict[int, str]:
    """A ToUnicode CMap's glyph → text map (bfchar and bfrange, both forms of bfrange)."""
    found: dict[int, str] = {}

    def chars(hex_text: bytes) -> str:
        return bytes.fromhex(hex_text.decode("ascii")).decode("utf-16-be")

    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for code, value in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            found[int(code, 16)] = chars(value)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for start, end, rest in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]+>)",
                                           block):
            first, last = int(start, 16), int(end, 16)
            if rest.startswith(b"["):
                for offset, value in enumerate(re.findall(rb"<([0-9A-Fa-f]+)>", rest)):
                    found[first + offset] = chars(value)
            else:
                base = int(rest[1:-1], 16)
                for offset in range(last - first + 1):
                    found[first + offset] = chr(base + offset)
    return found


def pdf_text(data: bytes) -> list[str]:
    """The text of each page, in the order it is drawn."""
    assert data.startswith(b"%PDF-"), data[:8]
    objects = _objects(data)
    fonts: dict[bytes, dict[int, str]] = {}
    for resources in re.findall(rb"/Font\s*<<(.*?)>>", data, re.S):
        for name, number in re.findall(rb"/([A-Za-z0-9]+)\s+(\d+) 0 R", resources):
            unicode_map = re.search(rb"/ToUnicode (\d+) 0 R", objects[int(number)])
            assert unicode_map is not None, f"font {name!r} has no ToUnicode map: its text cannot be read"
            fonts[name] = _cmap(_stream(objects[int(unicode_map.group(1))]))
    pages = []
    for body in objects.values():
        if not re.search(rb"/Type /Page\b", body):
            continue
        contents = re.search(rb"/Contents (\d+) 0 R", body)
        assert contents is not None
        text, font = [], fonts.get(b"", {})
        for name, glyphs, array in _TOKEN.findall(_stream(objects[int(contents.group(1))])):
            if name:
                font = fonts[name]
                continue
            for part in re.findall(rb"<([0-9A-Fa-f]*)>", array) if array else [glyphs]:
                text += [font[unit] for unit in _hex_units(part)]
        pages.append("".join(text))
    return pages


def flat(text: str) -> str:
    """`text` without whitespace: how a needle and a PDF's text are compared."""
    return re.sub(r"\s+", "", text)
