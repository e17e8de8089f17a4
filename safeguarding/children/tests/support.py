"""Shared set-up for the children tests (this module holds no tests of its own): synthetic children and a
journey with one of each kind of record."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone

from safeguarding.children.codes import CategoryOfAbuse, LegalStatus, PlacementType, PrimaryNeed
from safeguarding.children.models import (
    Assessment,
    Child,
    ChildProtectionPlan,
    CINReferral,
    CPReview,
    EarlyHelpRequest,
    ExploitationScreening,
    LookedAfterPeriod,
    MissingEpisode,
    Placement,
    Section47,
)

TEST_URLS = "safeguarding.children.tests.urls"


def make_child(**fields: Any) -> Child:
    defaults: dict[str, Any] = {
        "first_name": "Test",
        "last_name": "Child",
        "date_of_birth": date(2014, 5, 6),
        "postcode": "WS1 1TP",
    }
    defaults.update(fields)
    return Child.objects.create(**defaults)


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware datetime, given as the time in London."""
    return timezone.make_aware(datetime(year, month, day, hour, minute), timezone.get_default_timezone())


def make_episode(child: Child, referral_date: date = date(2023, 4, 3), **fields: Any) -> CINReferral:
    return CINReferral.objects.create(child=child, referral_date=referral_date, source="2A", **fields)


def full_journey(child: Child) -> dict[str, Any]:
    """One of every kind of record, in a plausible order through 2023."""
    episode = make_episode(child, date(2023, 4, 3), primary_need=PrimaryNeed.ABUSE_OR_NEGLECT)
    assessment = Assessment.objects.create(episode=episode, start_date=date(2023, 4, 4))
    enquiry = Section47.objects.create(episode=episode, start_date=date(2023, 4, 25))
    plan = ChildProtectionPlan.objects.create(
        episode=episode,
        start_date=date(2023, 5, 16),
        initial_category=CategoryOfAbuse.NEGLECT,
        latest_category=CategoryOfAbuse.NEGLECT,
    )
    review = CPReview.objects.create(plan=plan, review_date=date(2023, 8, 10))
    early_help = EarlyHelpRequest.objects.create(child=child, requested_on=date(2022, 9, 1))
    period = LookedAfterPeriod.objects.create(
        child=child,
        start_date=date(2023, 9, 1),
        legal_status=LegalStatus.INTERIM_CARE_ORDER,
        category_of_need=PrimaryNeed.ABUSE_OR_NEGLECT,
    )
    placement = Placement.objects.create(
        period=period, start_date=date(2023, 9, 1), placement_type=PlacementType.FOSTER_OTHER
    )
    missing = MissingEpisode.objects.create(
        child=child, started_at=london(2023, 10, 6, 21, 0), returned_at=london(2023, 10, 7, 9, 30)
    )
    screening = ExploitationScreening.objects.create(
        child=child, screening_date=date(2023, 10, 9), exploitation_type="criminal", risk_level="significant"
    )
    return {
        "episode": episode,
        "assessment": assessment,
        "section47": enquiry,
        "plan": plan,
        "review": review,
        "early_help": early_help,
        "period": period,
        "placement": placement,
        "missing": missing,
        "screening": screening,
    }
