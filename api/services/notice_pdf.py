"""A public notice as a PDF (fpdf2) with the CJK font embedded, so it prints and its
text reads back the same everywhere. The font is Debian's fonts-wqy-microhei (TrueType
outlines, which fpdf2 embeds as a subset), installed by scripts/fonts."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos
from fpdf.fonts import FontFace

from engine.messages import say

from ..problems import ApiProblem
from .notice_layout import Layout

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
FAMILY = "cjk"


NO_LINE_START = set("，。、；：？！）》」』”’%")  # punctuation that may not begin a line


def _wrapped(pdf: FPDF, text: str, width: float) -> list[str]:
    """Chinese breaks between any two characters, but a closing punctuation mark stays
    on the line before it, taking the character it follows along when it does not fit."""
    lines, line = [], ""
    for char in text:
        if pdf.get_string_width(line + char) <= width or not line:
            line += char
        elif char in NO_LINE_START and len(line) > 1:
            lines.append(line[:-1])
            line = line[-1] + char
        else:
            lines.append(line)
            line = char
    return [*lines, line]


def _line(pdf: FPDF, text: str, size: float, align: Align = Align.L, indent: bool = False, after: float = 0) -> None:
    pdf.set_font(FAMILY, size=size)
    prefix = "\u3000\u3000" if indent else ""  # two ideographic spaces: a Chinese paragraph's indent
    for paragraph in text.splitlines() or [""]:  # a cell prints no line break: each line is its own
        for line in _wrapped(pdf, prefix + paragraph, pdf.epw):
            pdf.cell(0, size * 0.62, line, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(after)


def pdf_bytes(page: Layout, font: Path = FONT) -> bytes:
    if not font.is_file():
        raise ApiProblem(503, "Font missing", say("notice.font_missing", path=str(font)))
    pdf = FPDF(format="A4")
    pdf.set_margins(26, 28, 26)
    pdf.set_auto_page_break(True, margin=25)
    pdf.add_font(FAMILY, fname=str(font))
    pdf.add_page()
    _line(pdf, page.heading, 18, Align.C, after=8)
    _line(pdf, page.body, 14, indent=True, after=6)
    pdf.set_font(FAMILY, size=11)
    widths = (14, 70, 40, 30) if len(page.columns) == 4 else (16, 90, 52)
    headings = FontFace(emphasis=None, fill_color=(235, 235, 235))  # the font has no bold face
    with pdf.table(col_widths=widths, text_align="CENTER", line_height=8, headings_style=headings) as table:
        for texts in (page.columns, *page.rows):
            row = table.row()
            for text in texts:
                row.cell(text)
    pdf.ln(6)
    _line(pdf, page.period, 14, indent=True)
    _line(pdf, page.contact, 14, indent=True, after=16)
    _line(pdf, page.issuer, 14, Align.R)
    _line(pdf, page.issued, 14, Align.R)
    return bytes(pdf.output())
