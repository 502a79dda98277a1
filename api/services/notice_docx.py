"""A public notice as a Word document (python-docx), laid out as county offices post
them: a centred heading, an indented body, a bordered table, the period and contact,
and the issuing body and date at the bottom right."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .notice_layout import Layout

HEADING_FONT = "黑体"  # the fonts a Chinese office document names (Word falls back when missing)
BODY_FONT = "仿宋"
TABLE_FONT = "宋体"


def _font(run, name: str, size: float, bold: bool = False) -> None:
    """Word picks a run's (or a style's) Chinese glyphs from its East Asian font, not its Latin one."""
    run.font.name, run.font.size, run.font.bold = name, Pt(size), bold
    run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(document, text: str, size: float = 16, align=None, indent: bool = False, space: float = 0):
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(space)
    paragraph.paragraph_format.line_spacing = 1.5
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)  # two characters
    _font(paragraph.add_run(text), BODY_FONT, size)
    return paragraph


def docx_bytes(page: Layout) -> bytes:
    document = Document()
    _font(document.styles["Normal"], TABLE_FONT, 12)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(30)
    section.left_margin = section.right_margin = Mm(26)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.space_after = Pt(18)
    _font(heading.add_run(page.heading), HEADING_FONT, 20, bold=True)
    _paragraph(document, page.body, indent=True, space=8)
    table = document.add_table(rows=1 + len(page.rows), cols=len(page.columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for number, row in enumerate(table.rows):  # cells take the document's font (TABLE_FONT)
        for cell, text in zip(row.cells, page.rows[number - 1] if number else page.columns, strict=True):
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            cell.paragraphs[0].add_run(text).bold = number == 0
    _paragraph(document, "", space=0)
    _paragraph(document, page.period, indent=True)
    _paragraph(document, page.contact, indent=True, space=24)
    _paragraph(document, page.issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, page.issued, align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
