"""The demo's journeys: every front door referral carried on as the council's system would hold it, with
care, missing episodes, exploitation screenings and early help, at a tenth of Walsall's volume (the journeys
step follows the front door's CONTACTS_PER_YEAR, lowered here as in the front door's own tests)."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from safeguarding.children.codes import EarlyHelpClosureReason, ReasonForClosure
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
from safeguarding.core.calendar import current_calendar
from safeguarding.core.clocks import clock_due_date, clock_due_datetime
from safeguarding.demo.services import SeedSummary, demo_partnership_seed
from safeguarding.demo.steps import frontdoor
from safeguarding.demo.steps import journeys as step
from safeguarding.frontdoor.measures import Period
from safeguarding.indicators.checks import rounded
from safeguarding.indicators.compute import figures_for
from safeguarding.indicators.models import IndicatorValue
from safeguarding.indicators.registry import Source, YearFrom, registry
from safeguarding.indicators.selectors import latest_run

pytestmark = pytest.mark.django_db

SMALL_VOLUME = 1_400  # contacts a year (Walsall: 14,000): a tenth of the volume
VOLUME = SMALL_VOLUME / step.WALSALL_CONTACTS_PER_YEAR
TINY_VOLUME = 300  # for the two seeds compared for determinism
NOW = step.NOW
YEAR_START = date(2022, 4, 1)


@dataclass
class Seeded:
    summary: SeedSummary
    first_snapshot: list[Any]
    second_snapshot: list[Any]


def _snapshot() -> list[Any]:
    """What the journeys step decides, keyed by natural values (contact references and dates, not ids)."""

    def rows(model: Any, *fields: str) -> list[Any]:
        return list(model.objects.order_by(*fields).values_list(*fields))

    return [
        rows(CINReferral, "contact_reference", "child__first_name", "primary_need", "nfa", "closure_date"),
        rows(Assessment, "episode__contact_reference", "start_date", "authorisation_date", "factors"),
        rows(Section47, "episode__contact_reference", "start_date", "icpc_date"),
        rows(ChildProtectionPlan, "start_date", "end_date", "initial_category", "previous_plans"),
        rows(LookedAfterPeriod, "child__last_name", "start_date", "end_date", "legal_status"),
        rows(MissingEpisode, "child__last_name", "started_at", "returned_at", "rhc_held_date"),
        rows(ExploitationScreening, "screening_date", "exploitation_type", "risk_level"),
        rows(EarlyHelpRequest, "contact_reference", "child__first_name", "closure_date", "closure_reason"),
    ]


def _seed_snapshot(volume: int) -> list[Any]:
    with transaction.atomic():
        frontdoor.CONTACTS_PER_YEAR = volume
        demo_partnership_seed(scale=1, seed=11)
        snapshot = _snapshot()
        transaction.set_rollback(True)
    return snapshot


@pytest.fixture(scope="module")
def seeded(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """Two tiny seeds with one seed number (rolled back), then one shared by the read-only tests below."""
    with django_db_blocker.unblock():
        patch = pytest.MonkeyPatch()
        patch.setattr(frontdoor, "CONTACTS_PER_YEAR", TINY_VOLUME)
        try:
            first, second = _seed_snapshot(TINY_VOLUME), _seed_snapshot(TINY_VOLUME)
            frontdoor.CONTACTS_PER_YEAR = SMALL_VOLUME
            with transaction.atomic():
                summary = demo_partnership_seed(scale=1, seed=2023)
                yield Seeded(summary, first, second)
                transaction.set_rollback(True)
        finally:
            patch.undo()


def _in_year(day: date | None) -> bool:
    return day is not None and YEAR_START <= day <= NOW


def _near(value: float, expected: float, tolerance: float) -> bool:
    return abs(value - expected) <= expected * tolerance


def test_the_same_seed_gives_the_same_journeys(seeded: Seeded) -> None:
    assert seeded.first_snapshot == seeded.second_snapshot
    assert seeded.first_snapshot[0] and seeded.first_snapshot[1]


def test_the_summary_counts_what_was_written(seeded: Seeded) -> None:
    counts = seeded.summary.counts
    assert counts["assessments"] == Assessment.objects.count()
    assert counts["section 47 enquiries"] == Section47.objects.count()
    assert counts["initial conferences"] == Section47.objects.filter(icpc_date__isnull=False).count()
    assert counts["child protection plans"] == ChildProtectionPlan.objects.count()
    assert counts["child protection reviews"] == CPReview.objects.count()
    assert counts["CIN plans"] == CINPlan.objects.count()
    assert counts["CIN episodes closed"] == CINReferral.objects.filter(closure_date__isnull=False).count()
    assert counts["looked-after periods"] == LookedAfterPeriod.objects.count()
    assert counts["placements"] == Placement.objects.count()
    assert counts["missing episodes"] == MissingEpisode.objects.count()
    assert counts["exploitation screenings"] == ExploitationScreening.objects.count()
    assert counts["early help reviews"] == EarlyHelpReview.objects.count()
    assert counts["children"] == Child.objects.count()  # the new children in care are counted too


def test_a_year_is_at_walsalls_scale_for_the_volume(seeded: Seeded) -> None:
    """2022-23 at a tenth of Walsall: 3,400 referrals, 3,400 assessments, 1,050 s47, 330 ICPCs, 200 children
    on plans and 650 looked after at the year end, 1,000 missing episodes, a few hundred screenings."""
    referrals = CINReferral.objects.filter(referral_date__gte=YEAR_START).count()
    assert _near(referrals, 3_500 * VOLUME, 0.2)
    assessments = Assessment.objects.filter(start_date__gte=YEAR_START).count()
    assert 0.88 * referrals <= assessments <= referrals
    enquiries = Section47.objects.filter(start_date__gte=YEAR_START).count()
    assert 0.22 <= enquiries / referrals <= 0.38
    conferences = Section47.objects.filter(icpc_date__gte=YEAR_START).count()
    assert 0.2 <= conferences / enquiries <= 0.45
    plans = ChildProtectionPlan.objects.filter(start_date__gte=YEAR_START).count()
    assert 0.75 * conferences <= plans <= conferences
    on_plans = ChildProtectionPlan.objects.filter(Q(end_date__isnull=True) | Q(end_date__gt=NOW))
    assert _near(on_plans.values("episode__child").distinct().count(), 200 * VOLUME, 0.5)
    looked_after = LookedAfterPeriod.objects.filter(Q(end_date__isnull=True) | Q(end_date__gt=NOW))
    target = round(step.LOOKED_AFTER_AT_YEAR_END * VOLUME)
    assert target <= looked_after.count() <= target + 1
    assert looked_after.values("child").distinct().count() == looked_after.count()
    assert LookedAfterPeriod.objects.filter(start_date__gte=YEAR_START).exists()
    missing = MissingEpisode.objects.filter(started_at__date__gte=YEAR_START).count()
    assert _near(missing, 1_000 * VOLUME, 0.2)
    screenings = ExploitationScreening.objects.filter(screening_date__gte=YEAR_START).count()
    assert _near(screenings, step.SCREENINGS_PER_YEAR * VOLUME, 0.35)


def test_every_level_4_referral_has_its_episode_filled(seeded: Seeded) -> None:
    calendar = current_calendar()
    referrals = CINReferral.objects.prefetch_related("assessments").order_by(
        "child_id", "referral_date", "pk"
    )
    assert referrals.count() == seeded.summary.counts["CIN referrals"]
    by_child: dict[int, list[CINReferral]] = defaultdict(list)
    for referral in referrals:
        by_child[referral.child_id].append(referral)
        assessments = list(referral.assessments.all())
        if referral.nfa:
            assert not assessments and referral.primary_need == ""
            assert referral.closure_date == referral.referral_date
            continue
        assert referral.primary_need
        # Every referral going further has its assessment, unless it came in the demo's last days.
        recent = calendar.add_working_days(referral.referral_date, 5) > NOW
        assert len(assessments) == 1 or recent, referral
        if referral.closure_date is not None:
            assert referral.closure_reason
        else:
            assert referral.closure_reason == ""
    assert CINReferral.objects.filter(nfa=True).count() < 0.08 * referrals.count()
    for episodes in by_child.values():
        # Only the latest episode may be open, and each closes before the next referral (census 8815, 8820).
        for earlier, later in itertools.pairwise(episodes):
            assert earlier.closure_date is not None
            if earlier.referral_date < later.referral_date:
                assert earlier.closure_date < later.referral_date


def test_episode_dates_are_in_order(seeded: Seeded) -> None:
    for assessment in Assessment.objects.select_related("episode"):
        episode = assessment.episode
        assert assessment.start_date >= episode.referral_date
        if assessment.authorisation_date is None:
            assert assessment.factors == [] and episode.closure_date is None
        else:
            assert assessment.authorisation_date >= assessment.start_date
            assert assessment.factors
            assert "21" not in assessment.factors or assessment.factors == ["21"]
        if episode.closure_date is not None:
            assert (assessment.authorisation_date or NOW) <= episode.closure_date
    for enquiry in Section47.objects.select_related("episode"):
        episode = enquiry.episode
        assert enquiry.start_date >= episode.referral_date
        assert enquiry.strategy_discussion_date == enquiry.start_date
        if episode.strategy_discussion_date is not None:
            assert enquiry.strategy_discussion_date == episode.strategy_discussion_date
        assert enquiry.icpc_target_date == clock_due_date("icpc", enquiry.clock_start)
        if enquiry.icpc_date is not None:
            assert enquiry.icpc_date > enquiry.start_date
            assert enquiry.icpc_date.weekday() < 5  # never on a weekend (census 8875)
            assert current_calendar().is_working_day(enquiry.icpc_date)
            assert not enquiry.icpc_not_required
        if episode.closure_date is not None:
            assert enquiry.icpc_date is not None or enquiry.icpc_not_required  # census 8868
            assert (enquiry.icpc_date or enquiry.start_date) <= episode.closure_date


def test_plans_start_at_the_conference_are_reviewed_and_never_overlap(seeded: Seeded) -> None:
    plans_by_child: dict[int, list[tuple[date, date]]] = defaultdict(list)
    cin_plans_by_child: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for plan in ChildProtectionPlan.objects.select_related("episode").prefetch_related(
        "reviews", "episode__section47s"
    ):
        conferences = {s.icpc_date for s in plan.episode.section47s.all()}
        assert plan.start_date in conferences  # census 2885
        reviews = sorted(review.review_date for review in plan.reviews.all())
        assert all(review > plan.start_date for review in reviews)  # census 8841
        if plan.end_date is not None:
            assert plan.end_date > plan.start_date  # census 8840
            assert all(review <= plan.end_date for review in reviews)
        if reviews:
            assert reviews[0] <= clock_due_date("cp-first-review", plan.start_date) + timedelta(days=30)
        plans_by_child[plan.episode.child_id].append((plan.start_date, plan.end_date or date.max))
    for cin_plan in CINPlan.objects.select_related("episode"):
        assert cin_plan.start_date >= cin_plan.episode.referral_date
        assert cin_plan.end_date is None or cin_plan.end_date > cin_plan.start_date
        cin_plans_by_child[cin_plan.episode.child_id].append(
            (cin_plan.start_date, cin_plan.end_date or date.max)
        )
    for child_id, spans in plans_by_child.items():
        spans.sort()
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert end < start  # no overlapping child protection plans (census 8940)
        for cin_start, _cin_end in cin_plans_by_child.get(child_id, []):
            # A CIN plan may start the day a child protection plan ends (stepping down), not inside it.
            assert not any(start <= cin_start < end for start, end in spans)
    assert ChildProtectionPlan.objects.filter(previous_plans__gt=0).exists()
    assert CPReview.objects.exists()


def test_most_timings_are_met_and_some_are_late(seeded: Seeded) -> None:
    completed = Assessment.objects.filter(authorisation_date__isnull=False).select_related("episode")
    late = [
        a
        for a in completed
        if (a.authorisation_date or NOW) > clock_due_date("assessment", a.episode.referral_date)
    ]
    assert 0.03 <= len(late) / completed.count() <= 0.25
    assert Assessment.objects.filter(authorisation_date__isnull=True).exists()  # some still open
    conferences = Section47.objects.filter(icpc_date__isnull=False)
    late_conferences = [s for s in conferences if (s.icpc_date or NOW) > (s.icpc_target_date or NOW)]
    assert 0 < len(late_conferences) <= 0.4 * conferences.count()
    reasons = set(CINReferral.objects.values_list("closure_reason", flat=True))
    assert {ReasonForClosure.CLOSED_AFTER_ASSESSMENT_NFA, ReasonForClosure.SERVICES_CEASED} <= reasons
    # RC9 came in with the 2022-23 census.
    early_help_closures = CINReferral.objects.filter(
        closure_reason=ReasonForClosure.CLOSED_AFTER_ASSESSMENT_EARLY_HELP
    )
    assert not early_help_closures.filter(closure_date__lt=YEAR_START).exists()


def test_care_has_a_legal_status_and_placements_within_it(seeded: Seeded) -> None:
    periods = LookedAfterPeriod.objects.select_related("child").prefetch_related("placements")
    assert periods.exists()
    after_a_plan = 0
    for period in periods:
        child = period.child
        assert child.date_of_birth is not None and child.date_of_birth <= period.start_date
        assert period.end_date is None or period.start_date <= period.end_date <= NOW
        assert period.legal_status and period.category_of_need
        placements = sorted(p.start_date for p in period.placements.all())
        assert placements and placements[0] == period.start_date
        assert all(day <= (period.end_date or NOW) for day in placements)
        after_a_plan += ChildProtectionPlan.objects.filter(
            episode__child=child, end_date=period.start_date
        ).exists()
    assert after_a_plan > 0  # some children come into care from a child protection plan
    assert Placement.objects.filter(distance_from_home_km__gt=20).exists()
    # Children in care since before the demo's history: some new to the demo, some the front door knew.
    assert LookedAfterPeriod.objects.filter(start_date__lt=frontdoor.FIRST_DAY).exists()
    assert LookedAfterPeriod.objects.filter(child__contacts__isnull=False).exists()


def test_missing_episodes_end_in_a_return_home_conversation_mostly_in_time(seeded: Seeded) -> None:
    episodes = MissingEpisode.objects.all()
    in_time = outside = 0
    by_child: dict[int, list[MissingEpisode]] = defaultdict(list)
    for episode in episodes:
        by_child[episode.child_id].append(episode)
        assert episode.returned_at is None or episode.returned_at > episode.started_at
        days = [episode.rhc_offered_date, episode.rhc_accepted_date, episode.rhc_held_date]
        given = [day for day in days if day is not None]
        assert given == sorted(given) and all(day <= NOW for day in given)
        assert days[: len(given)] == given  # held only if accepted, accepted only if offered
        if episode.rhc_held_date is not None:
            assert episode.returned_at is not None
            due = timezone.localdate(clock_due_datetime("return-home-conversation", episode.returned_at))
            in_time += episode.rhc_held_date <= due
            outside += episode.rhc_held_date > due
    assert in_time > 2 * outside > 0
    for child_episodes in by_child.values():
        child_episodes.sort(key=lambda e: e.started_at)
        for earlier, later in itertools.pairwise(child_episodes):
            assert earlier.returned_at is not None and earlier.returned_at < later.started_at
    assert any(len(e) > 1 for e in by_child.values())  # some children go missing again and again


def test_exploitation_screenings_and_early_help_episodes(seeded: Seeded) -> None:
    assert set(ExploitationScreening.objects.values_list("exploitation_type", flat=True)) == {
        "sexual",
        "criminal",
        "other",
    }
    assert not ExploitationScreening.objects.filter(screening_date__gt=NOW).exists()
    requests = EarlyHelpRequest.objects.prefetch_related("reviews")
    assert requests.count() == seeded.summary.counts["early help requests"]
    for request in requests:
        end = request.closure_date or NOW
        assert request.presenting_needs
        assert (request.closure_date is None) == (request.closure_reason == "")
        if request.assessment_start_date is not None:
            assert request.requested_on <= request.assessment_start_date <= end
        if request.plan_start_date is not None:
            assert request.assessment_completion_date is not None
            assert request.assessment_completion_date <= request.plan_start_date <= end
        reviews = [review.review_date for review in request.reviews.all()]
        assert all(request.plan_start_date and request.plan_start_date < day <= end for day in reviews)
        if request.closure_reason == EarlyHelpClosureReason.STEPPED_UP:
            assert request.closure_date is not None
    stepped_up = requests.filter(closure_reason=EarlyHelpClosureReason.STEPPED_UP)
    assert any(
        CINReferral.objects.filter(child_id=r.child_id, referral_date=r.closure_date or NOW).exists()
        for r in stepped_up
    )
    assert len(set(requests.values_list("closure_reason", flat=True))) >= 5
    assert EarlyHelpReview.objects.exists()


def test_children_known_to_social_care_have_an_la_child_id_and_babies_due_are_born(seeded: Seeded) -> None:
    known = Child.objects.filter(
        Q(cin_referrals__isnull=False) | Q(looked_after_periods__isnull=False)
    ).distinct()
    ids = list(known.values_list("la_child_id", flat=True))
    assert "" not in ids and len(ids) == len(set(ids))
    assert not known.filter(disabilities=[]).exists()
    assert not Child.objects.filter(expected_date_of_birth__lte=NOW).exists()
    assert not Child.objects.filter(date_of_birth__isnull=True, expected_date_of_birth__isnull=True).exists()


@pytest.mark.parametrize("year_end", [2022, 2023])
def test_the_demo_exports_census_returns_without_errors(
    seeded: Seeded, tmp_path: Path, year_end: int
) -> None:
    # The journeys follow the DfE census rules, so the demo's returns (as they stood on each 31 March) load
    # into DfE's collection without errors; queries (which ask for a reason) may remain.
    from safeguarding.census.exporter import census_export
    from safeguarding.census.validation import validate_census

    out = tmp_path / f"cin-{year_end}.xml"
    summary = census_export(out, year_end=year_end, lea="335")
    report = validate_census(out)
    assert summary.children > 0 and report.children == summary.children
    assert report.errors == 0, report.counts_by_rule()


def test_school_age_children_known_to_social_care_have_unique_upns(seeded: Seeded) -> None:
    upns = list(Child.objects.exclude(upn="").values_list("upn", flat=True))
    assert upns and len(upns) == len(set(upns))
    assert all(len(upn) == 13 and upn[1:4] == "335" for upn in upns)
    assert not Child.objects.filter(upn__gt="", date_of_birth__gt=date(2018, 8, 31)).exists()


def test_every_year_figure_the_seed_derived_from_quarters_is_the_year_computed_directly(
    seeded: Seeded,
) -> None:
    # The seed's last step computed 2022-23, adding up quarters where the registry allows (YearFrom); each
    # indicator's functions run for the whole year must give the same total and the same breakdown rows.
    run = latest_run("2022-23")
    assert run is not None
    stored = {
        (v.version.indicator.code, v.breakdown_key): (v.numerator, v.denominator, v.value)
        for v in IndicatorValue.objects.filter(run=run, period_key="2022-23").select_related(
            "version__indicator"
        )
    }
    year = Period.financial_year(2022)
    derived = [d for d in registry() if d.source == Source.COMPUTED and d.year_from != YearFrom.DIRECT]
    assert len(derived) > 40
    for definition in derived:
        figures = figures_for(definition, year)
        total = figures.total
        assert stored[(definition.code, "")] == (total.count, total.base, rounded(total.value)), (
            definition.code
        )
        for breakdown, rows in figures.breakdowns:
            for row in rows:
                key = (definition.code, f"{breakdown.name}={row.key}")
                measure = row.measure
                assert stored[key] == (measure.count, measure.base, rounded(measure.value)), key
