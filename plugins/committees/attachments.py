"""Files attached to a meeting: what is accepted (type and size) and how one is stored.

The type is read from the file's first bytes, not from the name or the browser's claim: a
"PDF" that is a script is refused. Office documents are ZIP files: their extension says which.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import PurePosixPath

from sqlalchemy.orm import Session

from bridge.plugin import N_, PluginContext, utcnow
from plugins.committees.models import Attachment, Meeting
from plugins.committees.settings import DEFAULT_TYPES
from plugins.committees.writes import Invalid

BY_EXTENSION = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
MAGIC = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
ZIPPED = b"PK\x03\x04"
UNSAFE = re.compile(r"[^\w .()-]+")


def clean_name(raw: str) -> str:
    """The file's own name, without a folder, control or odd characters."""
    name = PurePosixPath(raw.replace("\\", "/")).name
    name = UNSAFE.sub("_", name).strip(" .") or "fichier"
    return name[-200:]


def content_type(name: str, data: bytes) -> str:
    """The type the bytes are, when the name's extension agrees; else refused."""
    ext = PurePosixPath(name).suffix.lower()
    kind = BY_EXTENSION.get(ext)
    if kind is None or kind not in DEFAULT_TYPES:
        raise Invalid(
            "file", N_("Accepted files: PDF, PNG, JPEG, text, CSV, OpenDocument, Office.")
        )
    if kind in MAGIC:
        ok = data.startswith(MAGIC[kind])
    elif kind.startswith("text/"):
        try:
            data.decode("utf-8")
            ok = b"\x00" not in data
        except UnicodeDecodeError:
            ok = False
    else:
        ok = data.startswith(ZIPPED)
    if not ok:
        raise Invalid("file", N_("The file's content does not match its name."))
    return kind


def attach(
    session: Session,
    context: PluginContext,
    meeting: Meeting,
    filename: str,
    data: bytes,
    *,
    public: bool,
    decision_id: int | None = None,
) -> Attachment:
    limit = context.config.max_attachment_mb if context.config else 10
    if not filename:
        raise Invalid("file", N_("Choose a file."))
    if not data:
        raise Invalid("file", N_("The file is empty."))
    if len(data) > limit * 1024 * 1024:
        raise Invalid("file", N_("The file is larger than %(limit)s MB."), limit=limit)
    name = clean_name(filename)
    if decision_id is not None and decision_id not in {d.id for d in meeting.decisions}:
        raise Invalid("decision", N_("Choose one of the proposed values."))
    attachment = Attachment(
        filename=name,
        content_type=content_type(name, data),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        public=public,
        decision_id=decision_id,
        uploaded_at=utcnow(),
        uploaded_by=context.actor,
    )
    meeting.attachments.append(attachment)
    session.flush()
    context.audit(
        session,
        "committees.attachment.add",
        f"meeting:{meeting.id}",
        {"file": name, "size": len(data), "public": public},
    )
    return attachment


def remove(session: Session, context: PluginContext, attachment: Attachment) -> None:
    meeting_id, name = attachment.meeting_id, attachment.filename
    session.delete(attachment)
    session.flush()
    context.audit(session, "committees.attachment.delete", f"meeting:{meeting_id}", {"file": name})
