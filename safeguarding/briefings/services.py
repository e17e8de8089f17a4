"""Writes for 7-minute briefings (DESIGN rule 1): keyword-only, one transaction each, history kept by
simple_history. Each service checks who may write and the facts it depends on, and raises BriefingError with
a message a person can act on (the views show it beside the field it names).

Who may write: learning.manage (the business unit) for any briefing; review.manage (case-review roles) for a
briefing about a case review.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from safeguarding.audits.models import AuditRound
from safeguarding.briefings.models import (
    DETAIL_MAX_LENGTH,
    SECTION_MAX_LINES,
    SECTION_NAMES,
    SECTIONS_BY_NAME,
    SOURCE_REF_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Briefing,
    BriefingShare,
)
from safeguarding.briefings.selectors import briefing_may_write
from safeguarding.core.formpages import RefusedWrite
from safeguarding.reviews.models import CaseReview

# A source's code: capitals, digits, "-" and "/" ("W14", "MAA-2023-Q2"); no spaces, so never a name.
SOURCE_REF_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9/-]*$")

# What briefing_update may change. The source is fixed: a briefing about W14 stays about W14.
UPDATABLE_FIELDS = frozenset({"title", *SECTION_NAMES})


class BriefingError(RefusedWrite):
    """A write refused; `field` names the form field the message belongs beside (or None)."""


def _require_writer(actor: Any, source_kind: str) -> None:
    if not briefing_may_write(actor, source_kind):
        raise PermissionDenied("Your roles do not allow you to write this briefing")


def _not_future(day: date, field: str, label: str) -> None:
    if day > timezone.localdate():
        raise BriefingError(f"{label} cannot be in the future", field)


def clean_source_ref(source_kind: str, source_ref: str) -> str:
    """The source code in capitals, checked: a known kind, the code's shape, and the case review or audit
    round it names exists."""
    if source_kind not in Briefing.SourceKind.values:
        raise BriefingError("Select what the briefing is about", "source_kind")
    ref = source_ref.strip().upper()
    if not ref:
        raise BriefingError("Enter the code of the review or audit, like W14", "source_ref")
    if len(ref) > SOURCE_REF_MAX_LENGTH:
        raise BriefingError(f"The code must be {SOURCE_REF_MAX_LENGTH} characters or fewer", "source_ref")
    if not SOURCE_REF_PATTERN.match(ref):
        raise BriefingError(
            "Enter a code of capital letters, numbers and hyphens, like W14: never a name", "source_ref"
        )
    if source_kind == Briefing.SourceKind.CASE_REVIEW and not CaseReview.objects.filter(code=ref).exists():
        raise BriefingError(f"There is no case review {ref}", "source_ref")
    if source_kind == Briefing.SourceKind.AUDIT and not AuditRound.objects.filter(code=ref).exists():
        raise BriefingError(f"There is no audit round {ref}: use its code, like MAA-2022-23-Q1", "source_ref")
    return ref


def clean_section_text(name: str, text: str) -> str:
    """A section's text tidied (lines trimmed, blank lines dropped) and checked against its limits."""
    section = SECTIONS_BY_NAME[name]
    lines = [line.strip() for line in str(text).splitlines()]
    cleaned = "\n".join(line for line in lines if line)
    if not cleaned and section.required:
        raise BriefingError(f"Enter the {section.title.lower()}", name)
    if len(cleaned) > section.max_length:
        raise BriefingError(
            f"{section.title} must be {section.max_length} characters or fewer, so the briefing fits on one "
            f"page (it has {len(cleaned)})",
            name,
        )
    if cleaned.count("\n") + 1 > SECTION_MAX_LINES:
        raise BriefingError(f"{section.title} must have {SECTION_MAX_LINES} lines or fewer", name)
    return cleaned


def _clean_title(title: str) -> str:
    cleaned = " ".join(str(title).split())
    if not cleaned:
        raise BriefingError("Enter the title of the briefing", "title")
    if len(cleaned) > TITLE_MAX_LENGTH:
        raise BriefingError(f"The title must be {TITLE_MAX_LENGTH} characters or fewer", "title")
    return cleaned


@transaction.atomic
def briefing_create(
    *,
    actor: Any,
    source_kind: str,
    source_ref: str,
    title: str,
    background: str,
    why_it_matters: str,
    what_happened: str,
    what_we_learned: str,
    what_to_do_differently: str,
    questions_for_reflection: str,
    further_reading: str = "",
) -> Briefing:
    """Write a draft briefing about one source (at most one briefing per source)."""
    _require_writer(actor, source_kind)
    ref = clean_source_ref(source_kind, source_ref)
    existing = Briefing.objects.filter(source_kind=source_kind, source_ref=ref).exists()
    if existing:
        label = Briefing.SourceKind(source_kind).label.lower()
        raise BriefingError(f"There is already a briefing for {label} {ref}", "source_ref")
    texts = {
        "background": background,
        "why_it_matters": why_it_matters,
        "what_happened": what_happened,
        "what_we_learned": what_we_learned,
        "what_to_do_differently": what_to_do_differently,
        "questions_for_reflection": questions_for_reflection,
        "further_reading": further_reading,
    }
    cleaned_title = _clean_title(title)
    sections = {name: clean_section_text(name, text) for name, text in texts.items()}
    return Briefing.objects.create(
        source_kind=source_kind,
        source_ref=ref,
        title=cleaned_title,
        created_by=actor,
        **sections,
    )


@transaction.atomic
def briefing_update(*, actor: Any, briefing: Briefing, **fields: Any) -> Briefing:
    """Change the title or any of the seven sections (published ones too; history keeps each version)."""
    unknown = set(fields) - UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"briefing_update cannot change {', '.join(sorted(unknown))}")
    _require_writer(actor, briefing.source_kind)
    changed = []
    for name, value in fields.items():
        cleaned = _clean_title(value) if name == "title" else clean_section_text(name, value)
        if getattr(briefing, name) != cleaned:
            setattr(briefing, name, cleaned)
            changed.append(name)
    if changed:
        briefing.save(update_fields=[*changed, "updated_at"])
    return briefing


@transaction.atomic
def briefing_publish(*, actor: Any, briefing: Briefing, published_on: date) -> Briefing:
    """Publish a draft: from then on everyone with learning.view can read it, and it can be shared."""
    _require_writer(actor, briefing.source_kind)
    if briefing.is_published:
        raise BriefingError(
            f"This briefing was already published on {briefing.published_on:%-d %B %Y}", "published_on"
        )
    _not_future(published_on, "published_on", "The publication date")
    briefing.status = Briefing.Status.PUBLISHED
    briefing.published_on = published_on
    briefing.save(update_fields=["status", "published_on", "updated_at"])
    return briefing


@transaction.atomic
def briefing_share_record(
    *, actor: Any, briefing: Briefing, channel: str, detail: str, shared_on: date
) -> BriefingShare:
    """Record one place a published briefing was shared (a newsletter, an event, the website...)."""
    _require_writer(actor, briefing.source_kind)
    if not briefing.is_published or briefing.published_on is None:
        raise BriefingError("Publish the briefing before recording where it was shared")
    if channel not in BriefingShare.Channel.values:
        raise BriefingError("Select how the briefing was shared", "channel")
    cleaned_detail = " ".join(str(detail).split())
    if not cleaned_detail:
        raise BriefingError(
            "Say where it was shared, for example Practitioner newsletter, spring 2023", "detail"
        )
    if len(cleaned_detail) > DETAIL_MAX_LENGTH:
        raise BriefingError(f"Where it was shared must be {DETAIL_MAX_LENGTH} characters or fewer", "detail")
    _not_future(shared_on, "shared_on", "The date it was shared")
    if shared_on < briefing.published_on:
        raise BriefingError(
            f"The date it was shared cannot be before it was published ({briefing.published_on:%-d %B %Y})",
            "shared_on",
        )
    return BriefingShare.objects.create(
        briefing=briefing, channel=channel, detail=cleaned_detail, shared_on=shared_on, recorded_by=actor
    )
