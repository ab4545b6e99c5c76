"""The published report as HTML (page body or standalone document), PDF (WeasyPrint) and CSV, in German or English."""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from companion.messages.gettext import catalogue as compiled_catalogue
from companion.reports.anonymity import Shown
from companion.reports.build import Group, Report
from companion.reports.exports import neutralise_formula
from companion.reports.figures import ContactKind
from companion.web.charts import Series, bar_chart, heatmap

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
LOCALES = ("de", "en")
HIDDEN = "–"
HEATMAP_GROUPS = 12
PAIRS_LISTED = 30


@functools.cache
def translations(locale: str) -> NullTranslations:
    """The compiled catalogue of the locale (English is the msgid itself)."""
    return compiled_catalogue("en" if locale == "en" else "de")


@functools.cache
def environment(locale: str) -> Environment:
    """A Jinja environment of the companion's templates with the locale's gettext (no Flask needed)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
    )
    env.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
    return env


@dataclass(frozen=True)
class Formatter:
    """Numbers, shares and dates in the report's language; hidden figures as a dash."""

    locale: str
    gettext: Callable[..., str]

    def num(self, shown: Shown | float | int | None) -> str:
        value = shown.value if isinstance(shown, Shown) else shown
        return HIDDEN if value is None else format_decimal(value, locale=self.locale)

    def mean(self, shown: Shown) -> str:
        """A mean on the 1–5 scale with one decimal in the report's language."""
        return HIDDEN if shown.value is None else format_decimal(shown.value, "0.0", locale=self.locale)

    def pct(self, shown: Shown) -> str:
        if shown.value is None:
            return HIDDEN
        # The locale's own percent pattern (German "12 %", English "12%") with one decimal.
        pattern = Locale.parse(self.locale).percent_formats[None].pattern
        head, _zero, tail = pattern.rpartition("0")
        return format_percent(shown.value, f"{head}0.0{tail}", locale=self.locale)

    def day(self, value: date) -> str:
        return format_date(value, "long", locale=self.locale)

    def group(self, group: Group) -> str:
        return group.name or self.gettext("smaller organisations (pooled)")

    def kind(self, kind: ContactKind) -> str:
        labels = {
            ContactKind.INTRODUCTION: self.gettext("accepted introductions"),
            ContactKind.CONVERSATION: self.gettext("conversations detected"),
            ContactKind.CIRCLE: self.gettext("circle co-memberships"),
            ContactKind.MET: self.gettext("met, by their own answer"),
        }
        return labels[kind]


def _values(cells: list[Shown]) -> list[float | None]:
    return [cell.value for cell in cells]


def _percent(cells: list[Shown]) -> list[float | None]:
    return [None if cell.value is None else round(cell.value * 100, 1) for cell in cells]


def charts(report: Report, fmt: Formatter) -> dict[str, Markup | None]:
    """Every chart of the report as server-rendered SVG."""
    _ = fmt.gettext
    q = report.quarters
    result: dict[str, Markup | None] = {
        "headline": bar_chart(
            _("Share of active members with a contact outside their organisation (%)"),
            q,
            [Series(_("share in %"), _percent([row[3] for row in report.trend]))],
        ),
        "members": bar_chart(
            _("Members and organisations per quarter"),
            q,
            [
                Series(_("members"), _values([row[1] for row in report.members])),
                Series(_("organisations"), [float(row[2]) for row in report.members]),
            ],
        ),
        "contacts": bar_chart(
            _("Contacts across organisations per quarter"),
            q,
            [Series(fmt.kind(kind), _values(report.contacts[kind])) for kind in ContactKind],
        ),
        "circles": bar_chart(
            _("Circle meetings: seats and attendance per quarter"),
            q,
            [
                Series(_("seats"), _values([row[3] for row in report.circles])),
                Series(_("attended"), _values([row[5] for row in report.circles])),
            ],
        ),
        "pairs": None,
        "meetups": None,
        "badges": None,
    }
    contacts_of: dict[Group, float] = {}
    for a, b, value in report.pairs:
        for group in (a, b):
            contacts_of[group] = contacts_of.get(group, 0) + (value.value or 0)
    # The heatmap shows the groups with the most published contacts; the table below lists every pair.
    top = sorted(contacts_of, key=lambda g: (-contacts_of[g], g.name is None, g.name or ""))[:HEATMAP_GROUPS]
    named = sorted(top, key=lambda g: (g.name is None, (g.name or "").casefold()))
    if named:
        index = {group: i for i, group in enumerate(named)}
        matrix: list[list[float | None]] = [[0.0] * len(named) for _g in named]
        for a, b, value in report.pairs:
            if a in index and b in index:
                matrix[index[a]][index[b]] = matrix[index[b]][index[a]] = value.value
        result["pairs"] = heatmap(_("Contacts between organisations"), [fmt.group(g) for g in named], matrix)
    if report.meetups:
        result["meetups"] = bar_chart(
            _("Meetups: seats and confirmed participants"),
            [fmt.day(row[1]) for row in report.meetups],
            [
                Series(_("seats"), [float(row[2]) for row in report.meetups]),
                Series(_("confirmed"), _values([row[3] for row in report.meetups])),
            ],
        )
    if report.badges:
        result["badges"] = bar_chart(
            _("Badges granted per quarter"),
            q,
            [Series(names.get(fmt.locale, names["de"]), _values(cells)) for names, cells, _t in report.badges[:4]],
        )
    return result


def _context(report: Report, locale: str) -> dict[str, Any]:
    fmt = Formatter(locale, translations(locale).gettext)
    rest = report.pairs[PAIRS_LISTED:]
    return {
        "report": report,
        "pairs_listed": report.pairs[:PAIRS_LISTED],
        "pairs_rest": (len(rest), sum(v.value for _a, _b, v in rest if v.value is not None)),
        "fmt": fmt,
        "charts": charts(report, fmt),
        "kinds": list(ContactKind),
        "locale": locale,
        "generated": format_datetime(report.generated_at, "short", tzinfo=ZoneInfo(report.timezone), locale=locale),
    }


def render_body(report: Report, locale: str) -> Markup:
    """The report's sections as an HTML fragment (the admin page wraps it in the site layout)."""
    return Markup(environment(locale).get_template("reports/_body.html").render(_context(report, locale)))


def render_document(report: Report, locale: str) -> str:
    """The report as a standalone HTML document with its own print styles (what the PDF is made of)."""
    context = _context(report, locale)
    context["body"] = render_body(report, locale)
    return environment(locale).get_template("reports/document.html").render(context)


def render_pdf(report: Report, locale: str) -> bytes:
    """The report as PDF, rendered by WeasyPrint from the standalone HTML document."""
    from weasyprint import HTML  # imported here: loading pango takes a moment and only the PDF needs it

    return HTML(string=render_document(report, locale)).write_pdf()


def csv_dialect(locale: str) -> dict[str, str]:
    """German spreadsheets expect semicolons (the comma is the decimal sign); English ones commas."""
    return {"delimiter": ";" if locale == "de" else ","}


def render_csv(report: Report, locale: str) -> str:
    """Every published figure as one CSV row: section, period, group, measure, value (hidden figures empty)."""
    _ = translations(locale).gettext
    fmt = Formatter(locale, _)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", **csv_dialect(locale))  # type: ignore[arg-type]
    writer.writerow([_("section"), _("period"), _("group"), _("measure"), _("value")])
    period = f"{report.start.isoformat()}/{report.end.isoformat()}"

    def row(section: str, when: str, group: str, measure: str, value: Shown | float | int) -> None:
        raw = value.value if isinstance(value, Shown) else value
        writer.writerow([section, when, neutralise_formula(group), measure, "" if raw is None else _plain(raw)])

    row(_("report"), period, "", _("minimum group size (k)"), report.k)
    row(_("headline"), period, "", _("active members"), report.active)
    row(_("headline"), period, "", _("with a contact outside their organisation"), report.reached)
    row(_("headline"), period, "", _("share"), report.headline)
    for label, active, reached, share in report.trend:
        row(_("headline"), label, "", _("active members"), active)
        row(_("headline"), label, "", _("with a contact outside their organisation"), reached)
        row(_("headline"), label, "", _("share"), share)
    for group, active, reached, share in report.headline_by_org:
        row(_("headline"), period, fmt.group(group), _("active members"), active)
        row(_("headline"), period, fmt.group(group), _("with a contact outside their organisation"), reached)
        row(_("headline"), period, fmt.group(group), _("share"), share)
    for label, members, orgs in report.members:
        row(_("members"), label, "", _("members"), members)
        row(_("members"), label, "", _("organisations"), orgs)
    for group, members in report.members_by_org:
        row(_("members"), period, fmt.group(group), _("members"), members)
    for kind in ContactKind:
        for label, value in zip(report.quarters, report.contacts[kind]):
            row(_("contacts"), label, "", fmt.kind(kind), value)
    for a, b, value in report.pairs:
        row(_("contacts"), period, f"{fmt.group(a)} – {fmt.group(b)}", _("contacts"), value)
    for label, circles, meetings, seats, yes, came in report.circles:
        row(_("circles"), label, "", _("circles that met"), circles)
        row(_("circles"), label, "", _("meetings held"), meetings)
        row(_("circles"), label, "", _("seats"), seats)
        row(_("circles"), label, "", _("answered yes"), yes)
        row(_("circles"), label, "", _("attended"), came)
    for title, day, capacity, confirmed, waiting, guests in report.meetups:
        when = day.isoformat()
        row(_("meetups"), when, title, _("seats"), capacity)
        row(_("meetups"), when, title, _("confirmed"), confirmed)
        row(_("meetups"), when, title, _("waiting list"), waiting)
        row(_("meetups"), when, title, _("guests"), guests)
    for label, started, checked_in, check_ins, mean in report.projects:
        row(_("change projects"), label, "", _("change projects started"), started)
        row(_("change projects"), label, "", _("members who checked in"), checked_in)
        row(_("change projects"), label, "", _("check-ins"), check_ins)
        row(_("change projects"), label, "", _("mean confidence (1–5)"), mean)
    started, checked_in, check_ins, mean = report.projects_total
    row(_("change projects"), period, "", _("change projects started"), started)
    row(_("change projects"), period, "", _("members who checked in"), checked_in)
    row(_("change projects"), period, "", _("check-ins"), check_ins)
    row(_("change projects"), period, "", _("mean confidence (1–5)"), mean)
    for names, cells, total_granted in report.badges:
        name = names.get(locale, names["de"])
        for label, value in zip(report.quarters, cells):
            row(_("badges"), label, name, _("granted"), value)
        row(_("badges"), period, name, _("granted"), total_granted)
    return out.getvalue()


def _plain(value: float | int) -> str:
    # Machine-readable values: integers as such, shares with a dot, whatever the language of the headers.
    return str(int(value)) if float(value).is_integer() else f"{value:.4f}"
