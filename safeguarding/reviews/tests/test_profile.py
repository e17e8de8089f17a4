"""The equality profile of the people reviewed: counts by characteristic, a year filter, exact counts for
case reviewers and "fewer than 5" for the business unit, and no person listed anywhere."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from safeguarding.core.testing import Personas, make_personas, make_user, sign_in
from safeguarding.reviews import services
from safeguarding.reviews.models import CaseReview
from safeguarding.reviews.profile import age_group, review_equality_profile
from safeguarding.reviews.year import financial_year_period

pytestmark = pytest.mark.django_db

NAMES = ("Orla Profiletest", "Piet Profiletest", "Rhea Profiletest")  # synthetic


@pytest.fixture
def personas() -> Personas:
    people = make_personas()
    subjects: list[tuple[str, date, str, dict[str, Any]]] = [
        (
            "W1",
            date(2022, 5, 1),
            CaseReview.SubjectType.CHILD,
            {"age_at_incident": 0, "sex": "male", "ethnicity": "WBRI", "disability": "no"},
        ),
        (
            "W2",
            date(2022, 11, 1),
            CaseReview.SubjectType.CHILD,
            {"age_at_incident": 14, "sex": "female", "ethnicity": "APKN", "religion": "Muslim"},
        ),
        (
            "W3",
            date(2021, 6, 1),
            CaseReview.SubjectType.ADULT,
            {"age_at_incident": 30, "sex": "female", "disability": "yes", "sexual_orientation": "bisexual"},
        ),
    ]
    for (code, aware, subject_type, fields), name in zip(subjects, NAMES, strict=True):
        services.review_refer(
            actor=people.bu_officer,
            code=code,
            kind=CaseReview.Kind.SAR_REFERRAL if subject_type == "adult" else CaseReview.Kind.NON_NOTIFIABLE,
            subject_type=subject_type,
            aware_date=aware,
            referred_by_agency=people.agency_a,
            subject={"full_name": name, **fields},
        )
    services.review_refer(  # no subject recorded
        actor=people.bu_officer,
        code="W4",
        kind=CaseReview.Kind.NON_NOTIFIABLE,
        subject_type=CaseReview.SubjectType.CHILD,
        aware_date=date(2022, 7, 1),
        referred_by_agency=people.agency_a,
    )
    return people


def _counts(profile: Any, key: str) -> dict[str, str]:
    [table] = [table for table in profile.tables if table.key == key]
    return {row.label: row.shown for row in table.rows if row.count}


def test_age_groups_at_their_edges() -> None:
    assert [age_group(age) for age in (None, 0, 1, 4, 5, 15, 16, 17, 18, 24, 25, 64, 65)] == [
        "not_recorded",
        "under_1",
        "1_to_4",
        "1_to_4",
        "5_to_9",
        "10_to_15",
        "16_to_17",
        "16_to_17",
        "18_to_24",
        "18_to_24",
        "25_to_64",
        "25_to_64",
        "65_and_over",
    ]


def test_case_reviewers_see_every_count(personas: Personas) -> None:
    reviewer = make_user("case_reviewer", personas.business_unit)
    # Signed in with a password only, small counts stay suppressed (exact counts need two factors).
    assert review_equality_profile(reviewer).exact is False
    reviewer.is_verified = lambda: True  # type: ignore[attr-defined]  # as django-otp's middleware marks it
    profile = review_equality_profile(reviewer)
    assert (profile.total, profile.recorded, profile.exact) == (4, 3, True)
    assert _counts(profile, "subject_type") == {"Child": "2", "Adult": "1"}
    assert _counts(profile, "age") == {"Under 1": "1", "10 to 15": "1", "25 to 64": "1"}
    assert _counts(profile, "sex") == {"Female": "2", "Male": "1"}
    assert _counts(profile, "ethnicity") == {
        "White": "1",
        "Asian or Asian British": "1",
        "Information not yet obtained": "1",
    }
    assert _counts(profile, "disability") == {"Yes": "1", "No": "1", "Not recorded": "1"}
    assert _counts(profile, "religion") == {"Muslim": "1", "Not recorded": "2"}
    assert _counts(profile, "sexual_orientation") == {"Bisexual": "1", "Not recorded": "2"}
    # Every table is a partition of the recorded subjects.
    assert all(sum(row.count for row in table.rows) == 3 for table in profile.tables)


def test_a_year_counts_the_reviews_the_partnership_became_aware_of_in_it(personas: Personas) -> None:
    reviewer = make_user("case_reviewer", personas.business_unit)
    reviewer.is_verified = lambda: True  # type: ignore[attr-defined]  # signed in with two factors
    profile = review_equality_profile(reviewer, financial_year_period("2022-23"))
    assert (profile.total, profile.recorded) == (3, 2)  # W1, W2, W4; W3 was in 2021-22
    assert _counts(profile, "subject_type") == {"Child": "2"}


def test_the_business_unit_sees_small_counts_suppressed(personas: Personas) -> None:
    profile = review_equality_profile(personas.bu_officer)
    assert not profile.exact
    assert _counts(profile, "sex") == {"Female": "fewer than 5", "Male": "fewer than 5"}
    [sex] = [table for table in profile.tables if table.key == "sex"]
    assert {row.label: row.shown for row in sex.rows}["Not known"] == "0"  # a zero identifies nobody


def test_the_page_lists_no_person_and_checks_the_year(personas: Personas) -> None:
    reviewer = sign_in(Client(), make_user("case_reviewer", personas.business_unit))
    page = reviewer.get(reverse("reviews:profile"))
    assert page.status_code == 200 and "Asian or Asian British" in page.text
    # A word boundary: the page's random CSRF token can hold the letters "W1".
    assert not any(name in page.text for name in NAMES) and not re.search(r"\bW1\b", page.text)
    year = reviewer.get(reverse("reviews:profile"), {"year": "2022-23"})
    assert "April 2022 to March 2023" in year.text and 'value="2022-23" selected' in year.text
    wrong = reviewer.get(reverse("reviews:profile"), {"year": "2022-24"})
    assert wrong.status_code == 200 and "2022-24 is not a financial year" in wrong.text
    officer = personas.client("bu_officer").get(reverse("reviews:profile"))
    assert "fewer than 5" in officer.text and 'id="profile-suppressed"' in officer.text
