"""A round's report as an A4 PDF, printed by WeasyPrint from audits/report_print.html and report_print.css.

WeasyPrint needs Pango and its friends from the operating system; where they cannot be loaded,
`round_report_pdf` raises ReportPdfUnavailable and the view answers 503 with a page that says so (as the
7-minute briefing's PDF does).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from safeguarding.audits.selectors.reports import RoundReport
from safeguarding.audits.tables import GRADE_LABELS


class ReportPdfUnavailable(RuntimeError):
    """WeasyPrint (or the system libraries it needs) cannot be loaded on this server."""


def _weasyprint() -> Any:
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: Pango, HarfBuzz or fontconfig is missing
        raise ReportPdfUnavailable(str(error)) from error
    return weasyprint


def _fetch_nothing(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The report needs nothing from anywhere (fonts come from the system), so WeasyPrint never fetches a URL
    # or reads a file on the server's behalf.
    raise ValueError(f"The audit report PDF does not fetch {url}")


def round_report_print_html(report: RoundReport, *, briefing_url: str = "") -> str:
    return render_to_string(
        "audits/report_print.html",
        {
            "report": report,
            "briefing_url": briefing_url,
            "grade_headers": tuple(GRADE_LABELS.values()),
            "partnership_name": settings.PARTNERSHIP_NAME,
        },
    )


def round_report_pdf(report: RoundReport, *, briefing_url: str = "") -> bytes:
    """The report on A4 pages."""
    weasyprint = _weasyprint()
    css = render_to_string("audits/report_print.css")
    try:
        html = weasyprint.HTML(
            string=round_report_print_html(report, briefing_url=briefing_url), url_fetcher=_fetch_nothing
        )
        return bytes(html.write_pdf(stylesheets=[weasyprint.CSS(string=css)]))
    except OSError as error:  # a library that loads lazily on first use
        raise ReportPdfUnavailable(str(error)) from error


def report_filename(code: str, extension: str) -> str:
    """ "audit-report-MAA-2022-23-Q1.pdf": named by the round's code only."""
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch == "-") else "-" for ch in code)
    return f"audit-report-{safe}.{extension}"
