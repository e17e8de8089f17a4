"""The demo's case reviews and action tracker: Walsall's scale over five financial years (2018-19 to
2022-23), every state an action can be in, drift on the demo's "today", and identity only where it belongs.

One seed is shared by the read-only tests of this module (with the front door at a small volume, as in the
other seeded-demo tests); evidence files go to a temporary folder, never var/private-files.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db.models import Max
from django.utils import timezone

from safeguarding.actions.models import THEMES, Action, ActionEvidence, ActionUpdate
from safeguarding.actions.selectors import awaiting_evidence, overdue, stale, with_drift
from safeguarding.briefings.models import Briefing, BriefingShare
from safeguarding.demo.generator import REFERENCE_DATE, SeedContext
from safeguarding.demo.names import NAME_GROUPS
from safeguarding.demo.steps import reviews as step
from safeguarding.demo.tests.seeding import Seeded, whole_demo_seeded
from safeguarding.frontdoor.services.attachments import file_type_sniff
from safeguarding.reviews.models import (
    CaseReview,
    Decision,
    MilestoneStage,
    RapidReview,
    RapidReviewRequest,
    Recommendation,
    Reviewer,
    ReviewMilestone,
    ReviewPause,
    ReviewSubject,
)

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.combine(REFERENCE_DATE, time(17, 0)))
Status = Action.Status


@pytest.fixture(scope="module")
def seeded(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """One seed of the whole demo (every step), shared by the tests below and rolled back afterwards."""
    with whole_demo_seeded(django_db_blocker, step.reviews_create) as seeded:
        yield seeded


def _financial_year(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


# --- the plan, without the database ----------------------------------------------------------------------


def test_the_plan_is_the_same_for_the_same_seed_and_differs_for_another() -> None:
    def plan(seed: int) -> list[tuple[Any, ...]]:
        ctx = SeedContext.start(scale=1, seed=seed)
        return [(c.code, c.kind, c.aware, c.decision, c.fate) for c in step._cases_plan(ctx)]

    assert plan(7) == plan(7)
    assert plan(7) != plan(8)


@pytest.mark.parametrize("seed", range(12))
def test_every_plan_is_at_walsalls_scale(seed: int) -> None:
    cases = step._cases_plan(SeedContext.start(scale=1, seed=seed))
    for year in step.YEARS:
        in_year = [case for case in cases if case.year == year]
        assert 4 <= len(in_year) <= 6
        local = [case for case in in_year if case.decision == Decision.LOCAL_REVIEW]
        assert 1 <= len(local) <= 2
    fates = Counter(case.fate for case in cases)
    assert fates[step.CRIMINAL] + fates[step.CRIMINAL_EARLY] >= 1
    assert fates[step.CRIMINAL_THEN_CORONER] == 1
    assert [case.code for case in cases] == [f"W{n}" for n in range(10, 10 + len(cases))]
    assert sum(case.latest for case in cases) == 1


def test_the_evidence_pdf_is_a_pdf() -> None:
    content = step._pdf(["Evidence (synthetic)", "Line with a \\ backslash"])
    assert content.startswith(b"%PDF-1.4")
    assert content.rstrip().endswith(b"%%EOF")
    assert b"Evidence \\(synthetic\\)" in content


# --- the seeded demo ------------------------------------------------------------------------------------


def test_the_whole_demo_seeds_and_counts_what_was_written(seeded: Seeded) -> None:
    counts = seeded.summary.counts
    assert counts["case reviews referred"] == CaseReview.objects.count()
    assert counts["rapid reviews"] == RapidReview.objects.count()
    assert counts["review recommendations"] == Recommendation.objects.count()
    assert counts["actions"] == Action.objects.count()
    assert counts["case reviewers in the pool"] == Reviewer.objects.count() == 6
    assert counts["case reviews published"] == CaseReview.objects.filter(published_on__isnull=False).count()
    assert counts["7-minute briefings"] == Briefing.objects.count()
    print(f"reviews step: {seeded.seconds:.2f}s")  # shown with -s (aim: under 3 seconds)


def test_referrals_and_decisions_per_year_are_at_walsalls_scale(seeded: Seeded) -> None:
    reviews = list(CaseReview.objects.all())
    by_year = Counter(_financial_year(review.aware_date) for review in reviews)
    assert sorted(by_year) == list(step.YEARS)
    assert all(4 <= count <= 6 for count in by_year.values()), by_year
    local = Counter(
        _financial_year(review.aware_date) for review in reviews if review.decision == Decision.LOCAL_REVIEW
    )
    assert all(1 <= local[year] <= 2 for year in step.YEARS), local
    kinds = Counter(review.kind for review in reviews)
    assert kinds[CaseReview.Kind.NOTIFIABLE_INCIDENT] > len(reviews) / 2
    assert kinds[CaseReview.Kind.SAR_REFERRAL] >= 1
    assert kinds[CaseReview.Kind.DHR_NOTIFICATION] >= 1
    alternatives = {Decision.THEMATIC, Decision.TABLETOP, Decision.SINGLE_AGENCY, Decision.LEARNING_REVIEW}
    assert any(review.decision in alternatives for review in reviews)
    assert sum(review.decision == Decision.NO_LOCAL_REVIEW for review in reviews) > len(reviews) / 3
    # A rapid review for most; the latest referral's is still to come.
    assert RapidReview.objects.count() >= 0.7 * len(reviews)
    latest = CaseReview.objects.order_by("-aware_date").first()
    assert latest is not None and latest.status == CaseReview.Status.RAPID_REVIEW and not latest.decision
    assert RapidReviewRequest.objects.filter(returned_on__isnull=False).count() > 50
    assert RapidReviewRequest.objects.filter(review=latest).exists()


def test_notifications_are_within_or_just_past_five_working_days(seeded: Seeded) -> None:
    from safeguarding.core.clocks import clock_due_date

    notifiable = CaseReview.objects.filter(kind=CaseReview.Kind.NOTIFIABLE_INCIDENT)
    assert notifiable.filter(notification_date__isnull=True).count() == 0
    lateness = [
        (review.notification_date - clock_due_date("serious-incident-notification", review.aware_date)).days
        for review in notifiable
        if review.notification_date is not None
    ]
    assert all(days <= 3 for days in lateness)
    assert sum(days <= 0 for days in lateness) > len(lateness) / 2
    assert not CaseReview.objects.exclude(kind=CaseReview.Kind.NOTIFIABLE_INCIDENT).filter(
        notification_date__isnull=False
    )


def test_reviews_are_paused_published_and_in_progress_as_in_walsall(seeded: Seeded) -> None:
    paused_now = ReviewPause.objects.filter(resumed_on__isnull=True)
    assert paused_now.filter(reason=ReviewPause.Reason.CRIMINAL_PROCEEDINGS).exists()
    assert paused_now.filter(reason=ReviewPause.Reason.CORONERS_INQUEST).exists()
    # The review waiting for the inquest had been paused for criminal proceedings that ended first.
    inquest = paused_now.get(reason=ReviewPause.Reason.CORONERS_INQUEST).review
    assert inquest.pauses.filter(reason=ReviewPause.Reason.CRIMINAL_PROCEEDINGS, resumed_on__isnull=False)
    assert ReviewPause.objects.filter(reason=ReviewPause.Reason.EXPERT_ADVICE, resumed_on__isnull=False)
    for pause in paused_now:
        assert pause.review.status == CaseReview.Status.PAUSED

    started = CaseReview.objects.filter(terms_agreed_on__isnull=False)
    earlier = [r for r in started if _financial_year(r.aware_date) < step.YEARS[-1]]
    published = [r for r in earlier if r.published_on is not None]
    assert len(published) > len(earlier) / 2
    assert all(r.publication_url.startswith("https://") for r in published)
    assert all(r.published_on is not None and r.published_on <= REFERENCE_DATE for r in published)
    latest_year = [r for r in started if _financial_year(r.aware_date) == step.YEARS[-1]]
    assert latest_year and all(r.status == CaseReview.Status.IN_PROGRESS for r in latest_year)
    assert CaseReview.objects.filter(status=CaseReview.Status.CLOSED).exists()
    assert all(r.reviewer_id is not None for r in started if r.decision == Decision.LOCAL_REVIEW)
    assert ReviewMilestone.objects.filter(
        stage=MilestoneStage.PUBLICATION, done_on__isnull=False
    ).count() == len(published)


def test_about_150_actions_in_every_state_across_agencies(seeded: Seeded) -> None:
    # The audits step adds its own actions (source "audit"); these are the case reviews' ones.
    actions = Action.objects.filter(source_kind=Action.SourceKind.REVIEW_RECOMMENDATION)
    assert 130 <= actions.count() <= 170
    assert set(actions.values_list("status", flat=True)) == set(Status.values)
    owners = set(actions.values_list("owner_agency__code", flat=True))
    assert {"WMP", "WALSALL-LA", "BC-ICB", "WSP"} <= owners
    themes = {theme for action in actions for theme in action.themes}
    assert themes <= set(THEMES) and len(themes) >= 5
    closed_complete = actions.filter(status=Status.COMPLETE, closed_at__isnull=False)
    assert closed_complete.exists()
    assert all(action.evidence.exists() for action in closed_complete)
    with_impact = closed_complete.exclude(impact_approach="")
    assert with_impact.exists() and closed_complete.filter(impact_approach="").exists()
    assert len(set(with_impact.values_list("impact_approach", flat=True))) >= 3
    assert len(set(with_impact.values_list("impact_rating", flat=True))) >= 3
    # Where measurable, the impact links to the registry indicator that shows the before and after.
    linked = set(
        with_impact.exclude(impact_indicator_code="").values_list("impact_indicator_code", flat=True)
    )
    assert linked and linked <= set(step.IMPACT_INDICATORS.values())
    assert awaiting_evidence(actions).filter(evidence__isnull=False).exists()  # waits for the business unit
    assert awaiting_evidence(actions).filter(evidence__isnull=True).exists()  # complete without evidence
    for status in (Status.NOT_ACHIEVABLE, Status.SUPERSEDED):
        assert actions.filter(status=status, closed_at__isnull=False).exists()
    assert actions.filter(status=Status.NOT_STARTED, updates__isnull=True).exists()


def test_some_actions_are_overdue_and_some_stale_on_the_demos_today(seeded: Seeded) -> None:
    drift = with_drift(Action.objects.all(), today=REFERENCE_DATE, now=NOW)
    assert overdue(drift, today=REFERENCE_DATE).exists()
    stale_ones = stale(drift, now=NOW)
    assert stale_ones.exists()
    fresh = drift.filter(status=Status.IN_PROGRESS).exclude(pk__in=stale_ones.values("pk"))
    assert fresh.exists()  # some open actions were updated within the last 30 days
    still_in_time = drift.filter(status__in=[Status.NOT_STARTED, Status.IN_PROGRESS]).exclude(
        pk__in=overdue(drift, today=REFERENCE_DATE).values("pk")
    )
    assert still_in_time.exists()


def test_nothing_is_dated_after_the_demos_today(seeded: Seeded) -> None:
    latest_dates = [
        CaseReview.objects.aggregate(m=Max("aware_date"))["m"],
        CaseReview.objects.aggregate(m=Max("notification_date"))["m"],
        CaseReview.objects.aggregate(m=Max("decided_on"))["m"],
        CaseReview.objects.aggregate(m=Max("published_on"))["m"],
        CaseReview.objects.aggregate(m=Max("terms_agreed_on"))["m"],
        RapidReview.objects.aggregate(m=Max("panel_response_date"))["m"],
        RapidReviewRequest.objects.aggregate(m=Max("returned_on"))["m"],
        ReviewMilestone.objects.aggregate(m=Max("done_on"))["m"],
        ReviewPause.objects.aggregate(m=Max("resumed_on"))["m"],
        ReviewPause.objects.aggregate(m=Max("paused_on"))["m"],
        Recommendation.objects.aggregate(m=Max("agreed_on"))["m"],
        Briefing.objects.aggregate(m=Max("published_on"))["m"],
        BriefingShare.objects.aggregate(m=Max("shared_on"))["m"],
    ]
    assert all(day is not None and day <= REFERENCE_DATE for day in latest_dates), latest_dates
    for model, field in (
        (Action, "created_at"),
        (Action, "closed_at"),
        (Action, "impact_recorded_at"),
        (ActionUpdate, "written_at"),
        (ActionEvidence, "uploaded_at"),
    ):
        latest = model._default_manager.aggregate(m=Max(field))["m"]
        assert latest is not None and timezone.localdate(latest) <= REFERENCE_DATE, (model, field)
    # Updates come after the action was created, and closure after the last update.
    for action in Action.objects.prefetch_related("updates"):
        for update in action.updates.all():
            assert update.written_at >= action.created_at
        if action.closed_at and action.updates.all():
            assert action.closed_at >= max(u.written_at for u in action.updates.all())


def test_evidence_files_are_stored_pdfs(seeded: Seeded) -> None:
    evidence = list(ActionEvidence.objects.all()[:5])
    assert evidence
    for item in evidence:
        assert item.content_type == "application/pdf"
        assert item.original_name.endswith(".pdf")
        with default_storage.open(item.file.name or "") as stored:
            assert file_type_sniff(stored) is not None


def test_identity_is_only_in_the_review_subject(seeded: Seeded) -> None:
    subjects = list(ReviewSubject.objects.select_related("review"))
    assert len(subjects) == CaseReview.objects.count()
    first_names = {name for group in NAME_GROUPS for name in group.first_names}
    family_names = {name for group in NAME_GROUPS for name in group.family_names}
    for subject in subjects:
        first, family = subject.full_name.split(" ", 1)
        assert first in first_names and family in family_names
        assert subject.age_at_incident is not None and subject.sex and subject.ethnicity
    names = {subject.full_name for subject in subjects}
    texts: list[str] = []
    for review in CaseReview.objects.all():
        texts += [review.code, review.terms_of_reference, review.decided_by, review.publication_url]
    for rapid in RapidReview.objects.all():
        texts += [rapid.immediate_actions, rapid.learning_identified, rapid.panel_response]
    texts += list(Recommendation.objects.values_list("text", flat=True))
    for action in Action.objects.all():
        texts += [action.title, action.description, action.source_label, action.impact_notes]
    texts += list(ActionUpdate.objects.values_list("text", flat=True))
    for name, description in ActionEvidence.objects.values_list("original_name", "description"):
        texts += [name, description]
    texts += list(ReviewPause.objects.values_list("detail", flat=True))
    for briefing in Briefing.objects.all():
        texts += [
            getattr(briefing, name) for name in ("title", "background", "what_happened", "what_we_learned")
        ]
    joined = "\n".join(texts)
    assert not [name for name in names if name in joined]
    assert not names & set(Reviewer.objects.values_list("name", flat=True))
    # Adults are the subjects of SAR referrals and domestic homicide reviews; children of the rest.
    for subject in subjects:
        adult = subject.review.kind in (CaseReview.Kind.SAR_REFERRAL, CaseReview.Kind.DHR_NOTIFICATION)
        assert (subject.age_at_incident >= 18) == adult  # type: ignore[operator]


def test_published_reviews_have_a_briefing_shared(seeded: Seeded) -> None:
    published = set(CaseReview.objects.filter(published_on__isnull=False).values_list("code", flat=True))
    briefings = Briefing.objects.filter(source_kind=Briefing.SourceKind.CASE_REVIEW)
    assert set(briefings.values_list("source_ref", flat=True)) == published
    assert all(briefing.is_published for briefing in briefings)
    # Shared once or twice each, from a few days after publication (so not yet for one published last week).
    shared = set(BriefingShare.objects.values_list("briefing__source_ref", flat=True))
    assert len(shared) >= len(published) - 1
