"""The equality profile of the people the partnership's case reviews were about (issue 6, section 1: equality
data "for profiling").

Counts only, never a row per person. The characteristics come from the restricted ReviewSubject, so the
profile is for people who run reviews (review.manage). Those who may also see who a review is about
(review.identity.view) see every count; for the others a count from 1 up to the partnership's small-number
threshold is shown as "fewer than N", because a handful of reviews a year could otherwise point to a person.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models

from safeguarding.access.permissions import visible_to
from safeguarding.frontdoor.measures import Period, is_small, small_number_threshold
from safeguarding.indicators.journey import ETHNIC_GROUPS, ethnic_group
from safeguarding.reviews.models import CaseReview, ReviewSubject
from safeguarding.reviews.selectors import MANAGE, may_see_identity

NOT_RECORDED = ("not_recorded", "Not recorded")

# Age at the incident. Children by the DfE "Children in need" groups, with 16 and 17 apart from adults;
# adults in broad bands (the Care Act SAR returns use 18-64 and 65 and over; 18-24 shows young adults).
AGE_GROUPS: tuple[tuple[str, str], ...] = (
    ("under_1", "Under 1"),
    ("1_to_4", "1 to 4"),
    ("5_to_9", "5 to 9"),
    ("10_to_15", "10 to 15"),
    ("16_to_17", "16 to 17"),
    ("18_to_24", "18 to 24"),
    ("25_to_64", "25 to 64"),
    ("65_and_over", "65 and over"),
    NOT_RECORDED,
)
_AGE_FROM = ((65, "65_and_over"), (25, "25_to_64"), (18, "18_to_24"), (16, "16_to_17"), (10, "10_to_15"))
_YOUNG_FROM = ((5, "5_to_9"), (1, "1_to_4"), (0, "under_1"))


def age_group(age: int | None) -> str:
    if age is None:
        return NOT_RECORDED[0]
    return next(group for lowest, group in (*_AGE_FROM, *_YOUNG_FROM) if age >= lowest)


@dataclass(frozen=True)
class ProfileRow:
    label: str
    count: int
    shown: str  # the count as this person may see it: "3", or "fewer than 5"


@dataclass(frozen=True)
class ProfileTable:
    key: str
    heading: str
    rows: tuple[ProfileRow, ...]


@dataclass(frozen=True)
class EqualityProfile:
    total: int  # reviews counted
    recorded: int  # of which a subject is recorded
    exact: bool  # False: small counts are suppressed for this person
    threshold: int
    tables: tuple[ProfileTable, ...]


def _table(
    key: str,
    heading: str,
    subjects: Iterable[ReviewSubject],
    groups: Iterable[tuple[str, str]],
    group_of: Callable[[ReviewSubject], str],
    shown: Callable[[int], str],
) -> ProfileTable:
    counts = Counter(group_of(subject) for subject in subjects)
    return ProfileTable(
        key, heading, tuple(ProfileRow(label, counts[code], shown(counts[code])) for code, label in groups)
    )


def _choices(choices: type[models.TextChoices]) -> list[tuple[str, str]]:
    """A subject field's choices, with "not recorded" for a blank."""
    return [*((str(code), str(label)) for code, label in choices.choices), NOT_RECORDED]


def _or_not_recorded(value: str) -> str:
    return value or NOT_RECORDED[0]


def review_equality_profile(user: Any, period: Period | None = None) -> EqualityProfile:
    """The profile of the subjects of the reviews `user` may run; with `period`, those aware within it."""
    reviews = visible_to(user, CaseReview.objects.all(), MANAGE)
    if period is not None:
        reviews = reviews.filter(aware_date__range=(period.first, period.last))
    subjects = list(ReviewSubject.objects.filter(review__in=reviews).select_related("review"))
    exact = may_see_identity(user)
    threshold = small_number_threshold()

    def shown(count: int) -> str:
        return f"fewer than {threshold}" if not exact and is_small(count, threshold) else str(count)

    religions = sorted({subject.religion.strip() for subject in subjects if subject.religion.strip()})
    tables = (
        _table(
            "subject_type",
            "Child or adult",
            subjects,
            [(str(code), str(label)) for code, label in CaseReview.SubjectType.choices],
            lambda subject: subject.review.subject_type,
            shown,
        ),
        _table(
            "age",
            "Age at the incident",
            subjects,
            AGE_GROUPS,
            lambda subject: age_group(subject.age_at_incident),
            shown,
        ),
        _table("sex", "Sex", subjects, _choices(ReviewSubject.Sex), lambda s: _or_not_recorded(s.sex), shown),
        _table(
            "ethnicity",
            "Ethnicity (major groups)",
            subjects,
            [*ETHNIC_GROUPS],
            lambda subject: ethnic_group(subject.ethnicity),
            shown,
        ),
        _table(
            "disability",
            "Disability",
            subjects,
            _choices(ReviewSubject.Disability),
            lambda s: _or_not_recorded(s.disability),
            shown,
        ),
        _table(
            "religion",
            "Religion or belief",
            subjects,
            [*((name, name) for name in religions), NOT_RECORDED],
            lambda s: s.religion.strip() or NOT_RECORDED[0],
            shown,
        ),
        _table(
            "sexual_orientation",
            "Sexual orientation",
            subjects,
            _choices(ReviewSubject.SexualOrientation),
            lambda s: _or_not_recorded(s.sexual_orientation),
            shown,
        ),
    )
    return EqualityProfile(
        total=reviews.count(), recorded=len(subjects), exact=exact, threshold=threshold, tables=tables
    )
