"""What makes a journey record's dates impossible, in words a practitioner can act on.

`date_problems(record)` maps each field in error to its message. The forms show the messages beside the
fields and the service refuses to save such a record. The checks follow the CIN census rules that a record
typed by hand should never break (the rule codes are given beside each), plus "not in the future" for dates
that record something that has happened. Imports do not use these: a council's file is kept as given and its
errors become findings.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.db import models
from django.utils import timezone

from safeguarding.children.codes import AssessmentFactor
from safeguarding.children.models import (
    Assessment,
    Child,
    ChildProtectionPlan,
    CINPlan,
    CINReferral,
    CPReview,
    EarlyHelpRequest,
    EarlyHelpReview,
    ExploitationScreening,
    LookedAfterPeriod,
    MissingEpisode,
    Placement,
    Section47,
)
from safeguarding.core.calendar import long_date

Problems = dict[str, str]


def date_problems(record: models.Model, *, today: date | None = None) -> Problems:
    """Each field of `record` whose date is impossible, with the message to show beside it."""
    check = _CHECKS.get(type(record))
    if check is None:
        return {}
    problems: Problems = {}
    check(record, problems)
    _not_in_future(record, problems, today or timezone.localdate())
    return problems


def _before(problems: Problems, field: str, value: date | None, limit: date | None, message: str) -> None:
    """Record `message` on `field` when `value` falls before `limit` (both known, field not already wrong)."""
    if value is not None and limit is not None and value < limit and field not in problems:
        problems[field] = f"{message} ({long_date(limit)})"


def _on_or_before(
    problems: Problems, field: str, value: date | None, limit: date | None, message: str
) -> None:
    if value is not None and limit is not None and value <= limit and field not in problems:
        problems[field] = f"{message} ({long_date(limit)})"


def _both_or_neither(
    problems: Problems, first: tuple[str, Any], second: tuple[str, Any], message: str
) -> None:
    (name, value), (other_name, other) = first, second
    if bool(value) != bool(other):
        missing = other_name if value else name
        problems.setdefault(missing, message)


def _referral_date(record: Any) -> date | None:
    episode = getattr(record, "episode", None)
    return episode.referral_date if isinstance(episode, CINReferral) else None


def _cin_episode(record: CINReferral, problems: Problems) -> None:
    _before(
        problems,
        "closure_date",
        record.closure_date,
        record.referral_date,
        "The closure date must be on or after the referral date",
    )
    _both_or_neither(
        problems,
        ("closure_date", record.closure_date),
        ("closure_reason", record.closure_reason),
        "Enter both the closure date and the reason for closure, or neither",
    )
    _before(
        problems,
        "icpc_date",
        record.icpc_date,
        record.referral_date,
        "The initial conference must be on or after the referral date",
    )
    child: Child | None = getattr(record, "child", None)
    if child is not None and child.date_of_death is not None and record.referral_date > child.date_of_death:
        problems.setdefault("referral_date", "The referral date cannot be after the child's date of death")


def _assessment(record: Assessment, problems: Problems) -> None:
    _before(
        problems,
        "start_date",
        record.start_date,
        _referral_date(record),
        "The assessment cannot start before the referral date",
    )
    _before(
        problems,
        "internal_review_date",
        record.internal_review_date,
        record.start_date,
        "The internal review must be on or after the start of the assessment",
    )
    _before(
        problems,
        "authorisation_date",
        record.authorisation_date,
        record.start_date,
        "The assessment cannot be authorised before it started",
    )
    factors = list(record.factors or [])
    if AssessmentFactor.NO_FACTORS in factors and len(factors) > 1:  # rule 8869
        problems["factors"] = "“No factors identified” cannot be selected with any other factor"


def _cin_plan(record: CINPlan, problems: Problems) -> None:
    _before(
        problems,
        "start_date",
        record.start_date,
        _referral_date(record),
        "The CIN plan cannot start before the referral date",
    )
    _before(
        problems, "end_date", record.end_date, record.start_date, "The CIN plan cannot end before it started"
    )


def _section47(record: Section47, problems: Problems) -> None:
    _before(
        problems,
        "start_date",
        record.start_date,
        _referral_date(record),
        "The enquiry cannot start before the referral date",
    )
    _before(
        problems,
        "start_date",
        record.start_date,
        record.strategy_discussion_date,
        "The enquiry cannot start before the strategy discussion that started it",
    )
    _before(
        problems,
        "icpc_target_date",
        record.icpc_target_date,
        record.start_date,
        "The conference target date cannot be before the enquiry started",
    )
    _before(
        problems,
        "icpc_date",
        record.icpc_date,
        record.start_date,
        "The initial conference cannot be before the enquiry started",
    )
    if record.icpc_not_required and record.icpc_date is not None:  # rule 2884's spirit: one answer only
        problems.setdefault("icpc_date", "Leave the conference date empty when no conference was required")
    if record.icpc_date is not None and record.icpc_date.weekday() >= 5:  # rule 8875
        problems.setdefault("icpc_date", "The initial conference cannot be on a Saturday or Sunday")


def _cp_plan(record: ChildProtectionPlan, problems: Problems) -> None:
    _before(
        problems,
        "start_date",
        record.start_date,
        _referral_date(record),
        "The plan cannot start before the referral date",
    )
    _on_or_before(
        problems, "end_date", record.end_date, record.start_date, "The plan must end after the day it started"
    )


def _cp_review(record: CPReview, problems: Problems) -> None:
    plan: ChildProtectionPlan | None = getattr(record, "plan", None)
    if plan is not None:  # rule 8841
        _on_or_before(
            problems,
            "review_date",
            record.review_date,
            plan.start_date,
            "The review must be after the day the plan started",
        )
        if plan.end_date is not None and record.review_date > plan.end_date:
            problems.setdefault(
                "review_date", f"The review cannot be after the plan ended ({long_date(plan.end_date)})"
            )


def _early_help(record: EarlyHelpRequest, problems: Problems) -> None:
    requested = record.requested_on
    _before(
        problems,
        "assessment_start_date",
        record.assessment_start_date,
        requested,
        "The assessment cannot start before the request",
    )
    _before(
        problems,
        "assessment_completion_date",
        record.assessment_completion_date,
        record.assessment_start_date,
        "The assessment cannot be completed before it started",
    )
    if record.assessment_completion_date is not None and record.assessment_start_date is None:
        problems.setdefault(
            "assessment_start_date", "Enter when the assessment started, as well as when it was completed"
        )
    _before(
        problems,
        "plan_start_date",
        record.plan_start_date,
        requested,
        "The plan cannot start before the request",
    )
    _before(
        problems,
        "closure_date",
        record.closure_date,
        requested,
        "The closure date must be on or after the request",
    )
    _both_or_neither(
        problems,
        ("closure_date", record.closure_date),
        ("closure_reason", record.closure_reason),
        "Enter both the closure date and the reason for closure, or neither",
    )


def _early_help_review(record: EarlyHelpReview, problems: Problems) -> None:
    episode: EarlyHelpRequest | None = getattr(record, "episode", None)
    if episode is not None:
        _before(
            problems,
            "review_date",
            record.review_date,
            episode.requested_on,
            "The review cannot be before the request for early help",
        )


def _looked_after(record: LookedAfterPeriod, problems: Problems) -> None:
    _before(
        problems,
        "end_date",
        record.end_date,
        record.start_date,
        "The period of care cannot end before it started",
    )


def _placement(record: Placement, problems: Problems) -> None:
    period: LookedAfterPeriod | None = getattr(record, "period", None)
    if period is None:
        return
    _before(
        problems,
        "start_date",
        record.start_date,
        period.start_date,
        "The placement cannot start before the child became looked after",
    )
    if period.end_date is not None and record.start_date is not None and record.start_date > period.end_date:
        problems.setdefault(
            "start_date",
            f"The placement cannot start after the period of care ended ({long_date(period.end_date)})",
        )


def _missing(record: MissingEpisode, problems: Problems) -> None:
    started, returned = record.started_at, record.returned_at
    if started is not None and returned is not None and returned < started:
        problems["returned_at"] = "The child cannot have returned before they went missing"
    returned_day = timezone.localdate(returned) if returned is not None else None
    for field in ("rhc_offered_date", "rhc_accepted_date", "rhc_held_date"):
        value = getattr(record, field)
        if value is not None and returned_day is None:
            problems.setdefault(
                field, "Enter when the child returned before recording the return home conversation"
            )
        _before(
            problems,
            field,
            value,
            returned_day,
            "The return home conversation cannot be before the child returned",
        )
    _before(
        problems,
        "rhc_held_date",
        record.rhc_held_date,
        record.rhc_offered_date,
        "The conversation cannot be held before it was offered",
    )


def _screening(record: ExploitationScreening, problems: Problems) -> None:
    """Nothing beyond "not in the future": a screening is one date."""


_CHECKS: dict[type[models.Model], Callable[[Any, Problems], None]] = {
    CINReferral: _cin_episode,
    Assessment: _assessment,
    CINPlan: _cin_plan,
    Section47: _section47,
    ChildProtectionPlan: _cp_plan,
    CPReview: _cp_review,
    EarlyHelpRequest: _early_help,
    EarlyHelpReview: _early_help_review,
    LookedAfterPeriod: _looked_after,
    Placement: _placement,
    MissingEpisode: _missing,
    ExploitationScreening: _screening,
}

# Dates that are planned rather than happened may lie ahead; every other date records something done.
_MAY_BE_FUTURE = frozenset({"icpc_target_date"})


def _not_in_future(record: models.Model, problems: Problems, today: date) -> None:
    for field in record._meta.concrete_fields:
        if field.name in _MAY_BE_FUTURE or field.name in problems:
            continue
        if field.name in ("created_at", "updated_at"):
            continue
        value = getattr(record, field.attname, None)
        if isinstance(value, datetime):
            if value > timezone.now():
                problems[field.name] = f"The {field.verbose_name} must be now or in the past"
        elif isinstance(value, date) and value > today:
            problems[field.name] = f"The {field.verbose_name} must be today or in the past"
