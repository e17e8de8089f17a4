"""Shared test support for briefings: a review to write about, briefing texts, and reading a PDF's pages."""

from __future__ import annotations

import itertools
import re
import zlib
from datetime import date
from typing import Any

from safeguarding.accounts.models import User
from safeguarding.audits.models import AuditProgramme, AuditRound
from safeguarding.briefings import services
from safeguarding.briefings.models import SECTION_MAX_LINES, SECTIONS, Briefing
from safeguarding.core.testing import Personas
from safeguarding.reviews import services as review_services
from safeguarding.reviews.models import CaseReview

SECRET_NAME = "Zephyrine Testcase"  # synthetic: who review W14 is about, which must never reach a briefing

SECTION_TEXTS = {
    "background": "Child W14 was known to several agencies before the incident.",
    "why_it_matters": "Babies who are not yet mobile should not have bruises.",
    "what_happened": "A health visitor saw a mark and did not ask how it happened.",
    "what_we_learned": "Professional curiosity matters.\n\n  Share information early.  ",
    "what_to_do_differently": "Follow the bruising protocol every time.",
    "questions_for_reflection": "Would you have asked?\nWho else lives in the home?",
}

# Long words on purpose: wrapping them wastes the most space on a line.
_WORDS = (
    "multi-agency",
    "safeguarding",
    "practitioners",
    "professional",
    "curiosity",
    "information",
    "sharing",
    "assessment",
    "escalation",
    "supervision",
    "management",
    "oversight",
    "neighbourhood",
    "partnership",
    "thresholds",
    "responsibilities",
)


def make_audit_rounds(personas: Personas, *codes: str) -> None:
    """Audit rounds to write briefings about: only their codes matter (the audits app builds real ones)."""
    programme = AuditProgramme.objects.create(year="2022-23", created_by=personas.bu_officer)
    for quarter, code in enumerate(codes, start=1):
        AuditRound.objects.create(
            programme=programme,
            code=code,
            quarter=quarter,
            theme="neglect",
            rationale=AuditRound.Rationale.PRIORITY,
            created_by=personas.bu_officer,
        )


def make_review(personas: Personas, code: str = "W14") -> CaseReview:
    return review_services.review_refer(
        actor=personas.bu_officer,
        code=code,
        kind=CaseReview.Kind.NOTIFIABLE_INCIDENT,
        subject_type=CaseReview.SubjectType.CHILD,
        aware_date=date(2022, 9, 14),
        referred_by_agency=personas.agency_a,
        agencies_involved=[personas.agency_a],
        subject={"full_name": SECRET_NAME},
    )


def make_briefing(
    actor: User,
    *,
    source_kind: str = Briefing.SourceKind.CASE_REVIEW,
    source_ref: str = "W14",
    title: str = "Bruising in babies who are not yet mobile",
    published_on: date | None = None,
    **texts: str,
) -> Briefing:
    fields: dict[str, Any] = {**SECTION_TEXTS, **texts}
    briefing = services.briefing_create(
        actor=actor, source_kind=source_kind, source_ref=source_ref, title=title, **fields
    )
    if published_on is not None:
        services.briefing_publish(actor=actor, briefing=briefing, published_on=published_on)
    return briefing


def text_of_length(length: int, *, lines: int = 1) -> str:
    """Prose of exactly `length` characters in `lines` lines, from long words (the hardest to fit)."""
    words = itertools.cycle(_WORDS)
    per_line = (length - (lines - 1)) // lines
    out = []
    for n in range(lines):
        target = per_line if n < lines - 1 else length - (lines - 1) - per_line * (lines - 1)
        line = ""
        while len(line) < target:
            line = f"{line} {next(words)}".strip()
        out.append(line[:target].rstrip().ljust(target, "s"))
    text = "\n".join(out)
    assert len(text) == length
    return text


def full_texts(*, lines: int = 1) -> dict[str, str]:
    """Every section at its maximum length."""
    assert lines <= SECTION_MAX_LINES
    return {section.name: text_of_length(section.max_length, lines=lines) for section in SECTIONS}


def pdf_page_count(content: bytes) -> int:
    """The page count a PDF declares in its page tree (inflating WeasyPrint's compressed object streams)."""
    for chunk in pdf_chunks(content):
        match = re.search(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", chunk)
        if match:
            return int(match.group(1))
    raise AssertionError("No page tree found in the PDF")


def pdf_chunks(content: bytes) -> list[bytes]:
    """The PDF's bytes and every Flate stream in it, inflated (its metadata, objects and page content)."""
    chunks = [content]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            chunks.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return chunks


def laid_out_text(document: Any) -> str:
    """All the text WeasyPrint laid out on a document's pages (what the PDF shows)."""
    parts = []
    for page in document.pages:
        for box in page._page_box.descendants():
            text = getattr(box, "text", None)
            if isinstance(text, str):
                parts.append(text)
    return " ".join(parts)
