"""Serving a download (`Export`): its function returns bytes, sent at once, or an iterator of
bytes, streamed. A streamed download gets a database session of its own that lives as long as
the download and is closed when it ends, or as soon as the client leaves (the server closes
the iterator), so no work runs on for nobody."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, current_app
from sqlalchemy.orm import Session

from bridge.hookspecs import Export


def download(export: Export) -> Response:
    session = current_app.extensions["bridge"].sessions()
    try:
        body = export.func(session)
    except BaseException:
        session.close()
        raise
    headers = {"Content-Disposition": f'attachment; filename="{export.filename}"'}
    if isinstance(body, bytes):
        session.close()
        return Response(body, mimetype=export.media_type, headers=headers)
    return Response(_until_done(body, session), mimetype=export.media_type, headers=headers)


def _until_done(chunks: Iterator[bytes], session: Session) -> Iterator[bytes]:
    """The chunks, then the session closed: after the last one, or when the server closes
    this generator because the client left (`yield from` closes `chunks` too)."""
    try:
        yield from chunks
    finally:
        session.close()
