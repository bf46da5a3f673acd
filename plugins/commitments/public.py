"""The public pages: the review booklet (commitments by status and theme, counts, a chart)
and the progress report of a review meeting, each as a page and as a PDF made here; the
documents uploaded as evidence. No sign-in: what a city publishes."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.plugin import current_context, current_language, db, find, render_public
from plugins.commitments import chart
from plugins.commitments.asof import Period, state
from plugins.commitments.booklet import Booklet, booklet, latest_mandate
from plugins.commitments.models import Evidence, Mandate
from plugins.commitments.period import PeriodRefused, asked_period, today
from plugins.commitments.printed import (
    ACTION_COLOURS,
    action_status,
    booklet_pdf,
    budget_line,
    commitments_heading,
    money_line,
    moved_line,
    period_line,
    report_pdf,
    sources_line,
)
from plugins.commitments.report import report
from plugins.commitments.statuses import COLOURS, STATUSES
from plugins.commitments.translation import _, ngettext, use_catalog
from plugins.commitments.words import EVIDENCE_KINDS, say, status_name

blueprint = Blueprint(
    "commitments_public",
    __name__,
    url_prefix="/public/engagements",
    template_folder="templates",
    static_folder="static",
)
use_catalog(blueprint)


def _context():
    return current_context("commitments")


def _mandate(session: Session) -> Mandate:
    wanted = request.args.get("mandate", type=int)
    found = find(session, Mandate, wanted) if wanted else latest_mandate(session)
    if found is None:
        abort(404)
    return found


def _chart(data: Booklet) -> str:
    names = {s: status_name(s) for s in STATUSES}
    summary = "; ".join(
        f"{theme}: " + ", ".join(f"{names[s]} {counts[s]}" for s in STATUSES if counts.get(s))
        for theme, counts in data.themes
    )
    return chart.stacked(data.themes, names, _("Commitments by theme and status"), summary)


@blueprint.get("/", endpoint="booklet")
def booklet_page():
    lang = current_language()
    data = booklet(db(), _mandate(db()))
    return render_public(
        "commitments/booklet.html",
        lang,
        data=data,
        chart=_chart(data),
        statuses=STATUSES,
        colours=COLOURS,
        status_name=status_name,
        evidence_kinds=EVIDENCE_KINDS,
        ngettext=ngettext,
    )


@blueprint.get("/livret.pdf", endpoint="booklet_pdf")
def booklet_pdf_download():
    context = _context()
    data = booklet(db(), _mandate(db()))
    return _pdf(
        lambda: booklet_pdf(data, context.config, context.settings.city_name, current_language()),
        f"livret-engagements-{data.mandate.id}.pdf",
    )


@blueprint.get("/bilan", endpoint="report")
def report_page():
    """The progress report; `?mandate=ID&as_of=YYYY-MM-DD&since=YYYY-MM-DD` asks for a
    mandate's commitments as they stood on a day (a shareable address)."""
    lang = current_language()
    session = db()
    mandates = list(session.scalars(select(Mandate).order_by(Mandate.id.desc())))
    try:
        period = asked_period(session, request.args)
    except PeriodRefused as refused:
        return render_public(
            "commitments/report.html",
            lang,
            data=None,
            state=None,
            mandates=mandates,
            form=request.args,
            error=say(refused.msgid, refused.variables),
        ), 400
    context = _context()
    return render_public(
        "commitments/report.html",
        lang,
        data=report(context, session),
        state=state(context, session, period) if period else None,
        mandates=mandates,
        form=_form(period),
        error=None,
        action_status=action_status,
        action_colours=ACTION_COLOURS,
        money_line=lambda f: money_line(f, lang),
        budget_line=lambda b: budget_line(b, lang),
        sources_line=sources_line,
        heading=lambda st: commitments_heading(st, lang),
        period_line=lambda st: period_line(st, lang),
        moved_line=lambda st: moved_line(st, lang),
        status_name=status_name,
        colours=COLOURS,
        today=today(),
    )


@blueprint.get("/bilan.pdf", endpoint="report_pdf")
def report_pdf_download():
    context = _context()
    session = db()
    try:
        period = asked_period(session, request.args)
    except PeriodRefused as refused:
        abort(400, description=say(refused.msgid, refused.variables))
    data = report(context, session)
    mandate_state = state(context, session, period) if period else None
    return _pdf(
        lambda: report_pdf(
            data, mandate_state, context.config, context.settings.city_name, current_language()
        ),
        f"bilan-{period.as_of.isoformat()}.pdf" if period else "bilan-priorites.pdf",
    )


def _form(period: Period | None) -> dict[str, str]:
    if period is None:
        return {}
    return {
        "mandate": str(period.mandate.id),
        "as_of": period.as_of.isoformat(),
        "since": period.since.isoformat() if period.since else "",
    }


@blueprint.get("/preuves/<int:evidence_id>")
def evidence_file(evidence_id: int):
    """An uploaded document, as a download (never shown inline: no script runs from it)."""
    evidence = find(db(), Evidence, evidence_id)
    if evidence is None or evidence.kind != "file" or evidence.content is None:
        abort(404)
    response = Response(
        evidence.content, mimetype=evidence.media_type or "application/octet-stream"
    )
    response.headers["Content-Disposition"] = _attachment(evidence.filename or "document")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _pdf(make, filename: str) -> Response:
    from plugins.commitments.pdf import FontMissing  # fpdf2 with it: a second, paid by PDFs only

    try:
        content = make()
    except FontMissing as missing:
        abort(503, description=str(missing))
    response = Response(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = _attachment(filename, inline=True)
    return response


def _attachment(filename: str, inline: bool = False) -> str:
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
