"""A round's report as a Word document (python-docx), with the same sections as the page and the PDF, for
the business unit to take into the PQA subgroup's papers. Cases appear by their audit codes only.

Section headings are Word's built-in "Heading 1" and "Heading 2" styles, so the document has a navigable
outline and a screen reader can move between sections; tables have a header row that repeats on each page.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.conf import settings
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table

from safeguarding.audits.selectors.reports import RoundReport
from safeguarding.audits.tables import GRADE_LABELS

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The report's section headings, in order (the page and the PDF use the same words).
HEADINGS: tuple[str, ...] = (
    "The theme and why it was chosen",
    "Dates",
    "Grades",
    "Cases",
    "Findings by practice area",
    "Actions",
    "Escalations",
    "Practitioners' participation",
    "The child's and family's views",
    "Agreement between graders",
    "7-minute briefing",
)
GRADES_TABLE_HEADER: tuple[str, ...] = (
    "Year/Quarter",
    "Theme",
    *GRADE_LABELS.values(),
    "Total",
)


def _day(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else "Not set"


def _table(document: Any, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Table:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = str(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    # The header row repeats at the top of each page the table runs onto.
    properties = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)
    return table


def _blank_zero(count: int) -> str:
    """Table 1 leaves a grade nobody got empty, as the annual report does."""
    return str(count) if count else ""


def round_report_docx(report: RoundReport, *, briefing_url: str = "") -> bytes:
    """The report as a .docx file's bytes."""
    audit_round = report.round
    document = Document()
    document.core_properties.title = f"Multi-agency audit report {report.code}"
    document.core_properties.author = settings.PARTNERSHIP_NAME
    document.add_heading(f"Multi-agency audit {report.code}: {audit_round.theme_label}", level=0)
    document.add_paragraph(
        f"{settings.PARTNERSHIP_NAME}. Quarter {audit_round.quarter} of {report.year}. "
        f"Status: {audit_round.get_status_display()}. Cases are named by their audit codes only."
    )

    document.add_heading(HEADINGS[0], level=1)
    document.add_paragraph(f"Theme: {audit_round.theme_label}.")
    document.add_paragraph(f"Why: {audit_round.get_rationale_display()}.")
    if audit_round.rationale_detail:
        document.add_paragraph(audit_round.rationale_detail)
    if audit_round.summary:
        document.add_paragraph(audit_round.summary)

    document.add_heading(HEADINGS[1], level=1)
    _table(document, ("Stage", "Date"), [(label, _day(day)) for label, day in report.dates])

    document.add_heading(HEADINGS[2], level=1)
    counts = report.counts
    _table(
        document,
        GRADES_TABLE_HEADER,
        [
            (
                f"Q{audit_round.quarter} {report.year}",
                audit_round.theme_label,
                *(_blank_zero(count) for count in counts.values),
                counts.total,
            )
        ],
    )
    if counts.total:
        document.add_paragraph(
            f"{counts.good_or_ri_percent}% of the cases graded were good or requires improvement."
        )
    if report.ungraded:
        document.add_paragraph(f"{report.ungraded} of the {len(report.cases)} cases are not graded yet.")

    document.add_heading(HEADINGS[3], level=1)
    if report.cases:
        _table(
            document,
            ("Case", "Grade", "Agencies involved", "Family views", "Escalated"),
            [
                (
                    case.code,
                    case.grade_label,
                    ", ".join(case.agencies) or "None recorded",
                    case.family_views,
                    "Yes" if case.escalated else "No",
                )
                for case in report.cases
            ],
        )
    else:
        document.add_paragraph("No cases have been sampled yet.")

    document.add_heading(HEADINGS[4], level=1)
    if not report.findings:
        document.add_paragraph("No findings recorded yet.")
    for area in report.findings:
        document.add_heading(area.label, level=2)
        for title, findings in (
            ("Good practice", area.good_practice),
            ("Areas for development", area.development),
        ):
            if not findings:
                continue
            document.add_paragraph(title).runs[0].bold = True
            for finding in findings:
                where = f" ({finding.case_code})" if finding.case_code else ""
                document.add_paragraph(f"{finding.source_ref}{where}: {finding.text}", style="List Bullet")

    document.add_heading(HEADINGS[5], level=1)
    if report.actions:
        _table(
            document,
            ("Action", "From", "Owner", "Due", "Status"),
            [
                (
                    f"{action.reference}: {action.title}",
                    action.source_ref,
                    action.owner_agency.name,
                    _day(action.due_date),
                    action.get_status_display(),
                )
                for action in report.actions
            ],
        )
    else:
        document.add_paragraph("No actions from this round's findings yet.")

    document.add_heading(HEADINGS[6], level=1)
    if report.escalations:
        document.add_paragraph(
            f"{report.escalated_cases} {'case was' if report.escalated_cases == 1 else 'cases were'} "
            "escalated at once because a child was found at risk."
        )
        _table(
            document,
            ("Case", "Raised", "Agency that acted", "What was done", "Acted on"),
            [
                (e.case_code, _day(e.raised_on), e.acting_agency, e.action_taken, _day(e.acted_on))
                for e in report.escalations
            ],
        )
    else:
        document.add_paragraph("No child was found to be at risk of harm through this audit.")

    document.add_heading(HEADINGS[7], level=1)
    if report.participation:
        document.add_paragraph(f"{report.attended} of the {report.invited} practitioners invited took part.")
        _table(
            document,
            ("Agency", "Invited", "Took part", "Could not take part"),
            [(row.agency, row.invited, row.attended, row.declined) for row in report.participation],
        )
        for reflection in report.reflections:
            document.add_paragraph(
                f"{reflection.role}, {reflection.agency} ({reflection.case_code}): {reflection.text}",
                style="List Bullet",
            )
    else:
        document.add_paragraph("No practitioners have been invited yet.")

    document.add_heading(HEADINGS[8], level=1)
    if report.family_views:
        document.add_paragraph("; ".join(f"{label}: {count}" for label, count in report.family_views) + ".")
    for summary in report.family_summaries:
        document.add_paragraph(f"{summary.case_code}: {summary.summary}", style="List Bullet")
    if not report.family_summaries:
        document.add_paragraph("No summary of the child's or family's views recorded.")

    document.add_heading(HEADINGS[9], level=1)
    document.add_paragraph(f"This round. {report.agreement_text}")
    document.add_paragraph(f"The year. {report.year_agreement.sentence}")

    document.add_heading(HEADINGS[10], level=1)
    if report.briefing is not None:
        document.add_paragraph(f"{report.briefing.title}" + (f": {briefing_url}" if briefing_url else ""))
    else:
        document.add_paragraph("No 7-minute briefing yet.")

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
