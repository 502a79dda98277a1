"""A notice as the file to post (docs/notices.md): a Word document or a PDF, with the name
it is downloaded under; the API route and the notice page give the same file."""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy.orm import Session

from ..auth import Actor
from . import notices
from .notice_docx import docx_bytes
from .notice_layout import layout
from .notice_pdf import pdf_bytes

MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "pdf": "application/pdf"}


def notice_file(session: Session, actor: Actor, notice_id: str, form: str) -> tuple[bytes, str, dict[str, str]]:
    """The file's bytes, media type and download header, when the actor sees the notice."""
    state = notices.visible(session, actor, notice_id)
    page = layout(state.data)
    content = docx_bytes(page) if form == "docx" else pdf_bytes(page)
    name = quote(f"{state.data['title']}.{form}")
    headers = {"Content-Disposition": f"attachment; filename=notice-{notice_id}.{form}; filename*=UTF-8''{name}"}
    return content, MEDIA[form], headers
