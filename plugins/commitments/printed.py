"""The booklet and the progress report laid out as PDF pages, in the reader's language (French
outside a request), with the same figures as their web pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bridge.plugin import formatting
from plugins.commitments.asof import MandateState, Standing
from plugins.commitments.booklet import Booklet
from plugins.commitments.report import SOURCES, Budget, Figures, Report
from plugins.commitments.settings import CommitmentsSettings
from plugins.commitments.statuses import COLOURS, STATUSES
from plugins.commitments.translation import _, ngettext
from plugins.commitments.words import status_name

if TYPE_CHECKING:
    from plugins.commitments.pdf import Document

ACTION_COLOURS = {
    "done": COLOURS["done"],
    "in_progress": COLOURS["in_progress"],
    "to_do": "#6e7781",
}


def _document(settings: CommitmentsSettings, city: str, title: str) -> Document:
    """A4 pages titled `title`, each numbered in its footer."""
    # fpdf2 and fontTools take a second to import: only a process that prints pays it.
    from plugins.commitments.pdf import Document

    return Document(
        settings.font_regular,
        settings.font_bold,
        title,
        lambda n: f"{city} — {title} — {_('page %(num)s', num=n)}",
    )


def booklet_pdf(data: Booklet, settings: CommitmentsSettings, city: str, lang: str) -> bytes:
    title = _("Review of the commitments — %(mandate)s", mandate=data.mandate.name)
    pdf = _document(settings, city, title)
    pdf.heading(title, 18)
    pdf.paragraph(
        ngettext("%(num)s commitment", "%(num)s commitments", data.total) + " — " + city, 11
    )
    pdf.ln(3)
    for status in STATUSES:
        n = data.by_status[status]
        share = formatting.percent(data.share(status), lang)
        pdf.bullet(
            f"{status_name(status)}{formatting.colon(lang)}{formatting.number(n, lang)} ({share})"
        )
    pdf.ln(3)
    pdf.heading(_("By theme"), 13)
    pdf.legend([(status_name(s), COLOURS[s]) for s in STATUSES])
    pdf.bars(
        [
            (
                theme,
                [(counts.get(s, 0), COLOURS[s]) for s in STATUSES],
                formatting.number(sum(counts.values()), lang),
            )
            for theme, counts in data.themes
        ]
    )
    for status, themes in data.grouped.items():
        pdf.add_page()
        pdf.heading(f"{status_name(status)} ({formatting.number(data.by_status[status], lang)})")
        for theme, rows in themes.items():
            pdf.paragraph(theme, 12, bold=True)
            for c in rows:
                pdf.bullet(f"{c.ref} — {c.title}")
                for e in data.evidence.get(c.id, []):
                    pdf.bullet(e.label + (f" ({e.url})" if e.url else ""), 8, indent=10)
            pdf.ln(2)
    return bytes(pdf.output())


def report_pdf(
    data: Report,
    mandate_state: MandateState | None,
    settings: CommitmentsSettings,
    city: str,
    lang: str,
) -> bytes:
    title = _("Progress report of the voted priorities")
    pdf = _document(settings, city, title)
    pdf.heading(title, 18)
    if mandate_state is not None:
        pdf.paragraph(period_line(mandate_state, lang), 11)
    pdf.paragraph(
        " · ".join(
            f"{action_status(s)}{formatting.colon(lang)}{formatting.number(n, lang)}"
            for s, n in data.counts.items()
        ),
        11,
    )
    pdf.paragraph(money_line(data.money, lang), 10)
    for budget in data.budgets:
        pdf.paragraph(budget_line(budget, lang), 9)
    pdf.ln(3)
    for priority in data.priorities:
        if pdf.will_page_break(40):
            pdf.add_page()
        pdf.heading(priority.name or _("Other actions"), 13)
        pdf.bars(
            [
                (
                    _("Actions"),
                    [(priority.count(s), ACTION_COLOURS[s]) for s in ACTION_COLOURS],
                    formatting.number(priority.total, lang),
                )
            ]
        )
        pdf.paragraph(money_line(priority.money, lang), 9)
        for status, lines in priority.lines.items():
            pdf.paragraph(f"{action_status(status)} ({len(lines)})", 11, bold=True)
            for line in lines:
                a = line.action
                words = [a.title]
                if a.committee:
                    words.append(a.committee)
                if a.progress is not None:
                    words.append(formatting.percent(a.progress, lang))
                pdf.bullet(" — ".join(words))
                for d in a.decisions:
                    pdf.bullet(_("Decision: %(label)s", label=d.label), 8, indent=10)
                if line.money.known:
                    pdf.bullet(money_line(line.money, lang), 8, indent=10)
            pdf.ln(1)
        pdf.ln(3)
    if mandate_state is not None:
        _commitments_pages(pdf, mandate_state, lang)
    return bytes(pdf.output())


def _commitments_pages(pdf: Document, mandate_state: MandateState, lang: str) -> None:
    """The mandate's commitments as they stood on the report's day, as the page shows them."""
    pdf.add_page()
    pdf.heading(commitments_heading(mandate_state, lang), 14)
    pdf.paragraph(
        " · ".join(
            f"{status_name(s)}{formatting.colon(lang)}{formatting.number(n, lang)}"
            for s, n in mandate_state.counts.items()
            if n
        ),
        10,
    )
    pdf.paragraph(money_line(mandate_state.money, lang), 9)
    if mandate_state.money.sources:
        pdf.paragraph(sources_line(mandate_state.money), 8)
    since = mandate_state.period.since
    if since is not None:
        pdf.paragraph(_("Moved since %(day)s", day=formatting.date_text(since, lang)), 11, True)
        for standing in mandate_state.moved or []:
            pdf.bullet(moved_line(standing, lang))
        if not mandate_state.moved:
            pdf.bullet(_("No status changed."))
    for theme, standings in mandate_state.themes.items():
        if pdf.will_page_break(20):
            pdf.add_page()
        pdf.paragraph(theme, 11, bold=True)
        for standing in standings:
            c = standing.commitment
            pdf.bullet(f"{c.ref} — {c.title} — {status_name(standing.status)}")
            if standing.money.known:
                pdf.bullet(money_line(standing.money, lang), 8, indent=10)


def commitments_heading(mandate_state: MandateState, lang: str) -> str:
    return _(
        "%(mandate)s: the commitments on %(day)s",
        mandate=mandate_state.period.mandate.name,
        day=formatting.date_text(mandate_state.period.as_of, lang),
    )


def period_line(mandate_state: MandateState, lang: str) -> str:
    period = mandate_state.period
    if period.since is None:
        return _(
            "%(mandate)s, as of %(day)s",
            mandate=period.mandate.name,
            day=formatting.date_text(period.as_of, lang),
        )
    return _(
        "%(mandate)s, as of %(day)s, compared with %(since)s",
        mandate=period.mandate.name,
        day=formatting.date_text(period.as_of, lang),
        since=formatting.date_text(period.since, lang),
    )


def moved_line(standing: Standing, lang: str) -> str:
    c = standing.commitment
    return f"{c.ref} — {c.title}{formatting.colon(lang)}" + _(
        "%(before)s → %(after)s",
        before=status_name(standing.before),
        after=status_name(standing.status),
    )


def sources_line(f: Figures) -> str:
    """Where the figures come from, in the reader's language."""
    return _(
        "Figures from: %(sources)s",
        sources=", ".join(_(SOURCES[s]) for s in sorted(f.sources)),
    )


def action_status(status: str) -> str:
    return {"done": _("Done"), "in_progress": _("In progress"), "to_do": _("To do")}[status]


def money_line(f: Figures, lang: str) -> str:
    if not f.known:
        return _("Money: not known")
    return _(
        "Allocated %(allocated)s, committed %(committed)s, paid %(paid)s",
        allocated=formatting.cents(f.allocated or 0, lang),
        committed=formatting.cents(f.committed or 0, lang),
        paid=formatting.cents(f.paid or 0, lang),
    )


def budget_line(b: Budget, lang: str) -> str:
    """A budget the actions spend from, its total and what their allocations hold of it."""
    amounts = {
        "budget": b.name,
        "allocated": formatting.cents(b.money.allocated or 0, lang),
        "committed": formatting.cents(b.money.committed or 0, lang),
        "paid": formatting.cents(b.money.paid or 0, lang),
    }
    if b.total is None:
        return _(
            "%(budget)s: %(allocated)s allocated to these actions, %(committed)s committed, "
            "%(paid)s paid",
            **amounts,
        )
    return _(
        "%(budget)s (%(total)s): %(allocated)s allocated to these actions, %(committed)s "
        "committed, %(paid)s paid",
        total=formatting.cents(b.total, lang),
        **amounts,
    )
