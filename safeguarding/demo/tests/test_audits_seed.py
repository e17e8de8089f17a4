"""The demo's multi-agency audits: four years of reported rounds (2019-20 to 2022-23) with five children each,
2022-23 exactly as seed 003's Table 1, findings, actions, briefings, double marking and an escalation, and
next year's programme planned.

One seed of the whole demo is shared by the read-only tests of this module (with the front door at a small
volume, as in the other seeded-demo tests); evidence files go to a temporary folder, never var/private-files.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.db.models import Count, Max
from django.utils import timezone

from safeguarding.actions.models import Action, ActionUpdate
from safeguarding.audits.models import (
    AuditCase,
    AuditProgramme,
    AuditRound,
    AuditSection,
    AuditToolVersion,
    Escalation,
    Finding,
    Grade,
    IndependentGrade,
    PractitionerInvitation,
)
from safeguarding.audits.services.auditing import round_questions
from safeguarding.audits.tables import year_grades
from safeguarding.briefings.models import Briefing, BriefingShare
from safeguarding.demo import shape
from safeguarding.demo.generator import REFERENCE_DATE, SeedContext
from safeguarding.demo.names import NAME_GROUPS
from safeguarding.demo.sign_ins import DEMO_DOMAIN
from safeguarding.demo.steps import audits as step
from safeguarding.demo.tests.seeding import Seeded, whole_demo_seeded

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """One seed of the whole demo (every step), shared by the tests below and rolled back afterwards."""
    with whole_demo_seeded(django_db_blocker, step.audits_create) as seeded:
        yield seeded


def _business_unit() -> Any:
    from safeguarding.accounts.models import User

    return User.objects.get(email=f"bu.officer@{DEMO_DOMAIN}")


def _reported() -> Any:
    return AuditRound.objects.filter(status=AuditRound.Status.REPORTED)


# --- the plan, without the database ----------------------------------------------------------------------


def test_the_programme_covers_four_years_of_four_quarters_and_the_seeds_themes() -> None:
    assert step.YEARS == ("2019-20", "2020-21", "2021-22", "2022-23")
    for plans in step.PROGRAMME.values():
        assert [plan.quarter for plan in plans] == [1, 2, 3, 4]
    themes = {plan.theme for plans in step.PROGRAMME.values() for plan in plans}
    assert themes == {"neglect", "child_sexual_abuse", "non_mobile_injuries", "exploitation", "self_harm"}
    current = [(plan.theme_detail, plan.theme) for plan in step.PROGRAMME["2022-23"]]
    assert current == [
        ("JTAI-Exploitation", "exploitation"),
        ("Self-Harm", "self_harm"),
        ("JTAI-Exploitation", "exploitation"),
        ("Neglect", "neglect"),
    ]
    assert all(sum(counts) == 5 for counts in step.CURRENT_GRADES.values())
    assert all(sum(counts) == 20 for counts in step.YEAR_GRADES.values())


def test_year_grades_are_the_same_for_the_same_seed_and_keep_the_years_counts() -> None:
    def plan(seed: int) -> list[list[list[str]]]:
        ctx = SeedContext.start(scale=1, seed=seed)
        return [step._year_grades(ctx, year) for year in step.YEARS]

    assert plan(5) == plan(5)
    assert plan(5) != plan(6)
    for year, rounds in zip(step.YEARS, plan(5), strict=True):
        assert [len(grades) for grades in rounds] == [5, 5, 5, 5]
        if year in step.YEAR_GRADES:
            flat = Counter(grade for grades in rounds for grade in grades)
            assert tuple(flat[g] for g in step.GRADE_COLUMNS) == step.YEAR_GRADES[year]


# --- the seeded demo ------------------------------------------------------------------------------------


def test_sixteen_reported_rounds_of_five_children_over_four_years(seeded: Seeded) -> None:
    reported = _reported()
    assert reported.count() == 16
    by_year = Counter(reported.values_list("programme__year", flat=True))
    assert by_year == {year: 4 for year in step.YEARS}
    sizes = reported.annotate(n=Count("cases")).values_list("n", flat=True)
    assert set(sizes) == {5}
    assert not AuditCase.objects.filter(round__in=reported, grade="").exists()
    for audit_round in reported:
        assert audit_round.reported_on is not None and audit_round.reported_on <= REFERENCE_DATE
        assert audit_round.panel_date is not None and audit_round.panel_date <= audit_round.reported_on
        assert audit_round.summary
    counts = seeded.summary.counts
    assert counts["audit rounds reported"] == 16
    assert counts["audit cases"] == AuditCase.objects.count() == 80 + 5  # and 2023-24's open first round
    assert counts["7-minute briefings"] == Briefing.objects.count()
    assert counts["actions"] == Action.objects.count()
    print(f"audits step: {seeded.seconds:.2f}s")  # shown with -s (aim: under 4 seconds)


def test_2022_23_is_seed_003_table_1(seeded: Seeded) -> None:
    grades = year_grades(_business_unit(), "2022-23")
    rows = [(row.quarter_label, row.theme_label, row.counts.values) for row in grades.rounds]
    assert rows == [
        ("Q1", "JTAI-Exploitation", (0, 2, 2, 1)),
        ("Q2", "Self-Harm", (0, 2, 3, 0)),
        ("Q3", "JTAI-Exploitation", (0, 1, 3, 1)),
        ("Q4", "Neglect", (0, 2, 2, 1)),
    ]
    assert grades.totals.values == (0, 7, 10, 3)
    assert grades.percentages == (0, 35, 50, 15)
    assert grades.good_or_ri_percent == 85
    assert [row.good_or_ri_percent for row in grades.rounds][1] == 100


def test_earlier_years_are_distributed_like_seed_003_table_2(seeded: Seeded) -> None:
    comparison = {row.year: row.percentages for row in year_grades(_business_unit(), "2022-23").comparison}
    assert comparison["2021-22"] == (0, 60, 40, 0)  # exactly as Table 2
    assert comparison["2020-21"] == (5, 60, 30, 5)  # Table 2: 4 / 61 / 30 / 4 (of about 23 cases)
    assert comparison["2019-20"] == (0, 25, 60, 15)  # Table 2: 0 / 23 / 63 / 15 (of 40 cases)
    assert AuditCase.objects.filter(grade=Grade.OUTSTANDING).count() == 1  # rarely


def test_every_round_has_findings_across_practice_areas_and_actions(seeded: Seeded) -> None:
    for audit_round in _reported():
        kinds = set(audit_round.findings.values_list("kind", flat=True))
        assert kinds == {Finding.Kind.GOOD_PRACTICE, Finding.Kind.DEVELOPMENT}, audit_round.code
    areas = set(Finding.objects.values_list("practice_area", flat=True))
    assert len(areas) >= 6
    actions = Action.objects.filter(source_kind=Action.SourceKind.AUDIT)
    assert actions.count() >= 16
    refs = set(actions.values_list("source_ref", flat=True))
    sources = {finding.source_ref for finding in Finding.objects.select_related("round")}
    assert refs <= sources
    statuses = set(actions.values_list("status", flat=True))
    assert {Action.Status.NOT_STARTED, Action.Status.IN_PROGRESS, Action.Status.COMPLETE} <= statuses
    assert actions.filter(closed_at__isnull=False).exists()
    assert actions.filter(status=Action.Status.COMPLETE, closed_at__isnull=True).exists()


def test_sections_practitioners_family_views_double_marking_and_an_escalation(seeded: Seeded) -> None:
    cases = AuditCase.objects.filter(round__in=_reported())
    sections = AuditSection.objects.filter(case__in=cases)
    per_case = Counter(sections.values_list("case_id", flat=True))
    assert set(per_case.values()) <= {2, 3, 4} and len(per_case) == 80
    assert not sections.exclude(status=AuditSection.Status.SUBMITTED).exists()
    assert not sections.filter(auditor__isnull=True).exists()
    agencies = set(sections.values_list("agency__code", flat=True))
    assert {"WALSALL-LA", "WMP", step.SCHOOL} <= agencies
    assert {"WHT", "BC-ICB", "BCHFT"} & agencies
    assert sections.filter(auditor__email=f"auditor@{DEMO_DOMAIN}").exists()
    # Every section answers every question of its round's tools.
    for section in sections.select_related("case__round")[:20]:
        questions = round_questions(section.case.round)
        assert set(section.answers) == {str(q.pk) for q in questions}
    # Double marking: one or two cases a round, each by two people.
    double = IndependentGrade.objects.values("case").annotate(n=Count("pk"))
    assert double and all(row["n"] == 2 for row in double)
    per_round = Counter(
        IndependentGrade.objects.values_list("case__round_id", "case_id")
        .distinct()
        .values_list("case__round_id", flat=True)
    )
    assert all(1 <= count <= 4 for count in per_round.values())  # two graders per case: 1 or 2 cases
    assert len(per_round) == 16
    escalations = Escalation.objects.all()
    assert escalations.count() == 1
    escalation = escalations.get()
    assert escalation.case.grade == Grade.INADEQUATE
    assert escalation.case.round.programme.year == "2019-20"  # seed 003: none in 2022-23
    assert PractitionerInvitation.objects.filter(
        attendance=PractitionerInvitation.Attendance.ATTENDED
    ).exists()
    views = Counter(AuditCase.objects.values_list("family_views", flat=True))
    assert views[AuditCase.FamilyViews.SOUGHT] >= 1 and views[AuditCase.FamilyViews.NOT_SOUGHT] > 40


def test_rounds_keep_the_tool_versions_they_used(seeded: Seeded) -> None:
    core = AuditToolVersion.objects.filter(tool__kind="core").order_by("number")
    assert list(core.values_list("number", "status")) == [(1, "published"), (2, "published")]
    v1, v2 = core
    assert v1.questions.count() == 11 and v2.questions.count() == 12
    assert set(_reported().filter(programme__year="2022-23").values_list("core_version", flat=True)) == {
        v2.pk
    }
    assert set(_reported().exclude(programme__year="2022-23").values_list("core_version", flat=True)) == {
        v1.pk
    }
    assert not AuditRound.objects.filter(
        status=AuditRound.Status.REPORTED, theme_version__isnull=True
    ).exists()


def test_briefings_published_for_earlier_years_and_drafts_for_2022_23(seeded: Seeded) -> None:
    briefings = Briefing.objects.filter(source_kind=Briefing.SourceKind.AUDIT)
    published = briefings.filter(status=Briefing.Status.PUBLISHED)
    earlier = set(_reported().exclude(programme__year="2022-23").values_list("code", flat=True))
    assert set(published.values_list("source_ref", flat=True)) == earlier  # 12 of 16: most rounds
    drafts = set(briefings.exclude(status=Briefing.Status.PUBLISHED).values_list("source_ref", flat=True))
    assert drafts == {"MAA-2022-23-Q2", "MAA-2022-23-Q3", "MAA-2022-23-Q4"}
    assert BriefingShare.objects.filter(briefing__in=published).exists()


def test_next_years_first_round_is_open_for_the_demo_auditor_and_the_rest_planned(seeded: Seeded) -> None:
    from safeguarding.accounts.models import User
    from safeguarding.audits.selectors.auditing import sections_for_auditor

    programme = AuditProgramme.objects.get(year="2023-24")
    first, *later = programme.rounds.order_by("quarter")
    assert first.status == AuditRound.Status.OPEN
    assert first.opens_on is not None and first.sections_due is not None
    assert first.opens_on <= REFERENCE_DATE < first.sections_due
    assert first.cases.count() == 5
    assert [r.status for r in later] == [AuditRound.Status.PLANNED] * 3
    assert not AuditCase.objects.filter(round__in=later).exists()
    assert seeded.summary.counts["audit rounds open"] == 1
    assert seeded.summary.counts["audit rounds planned"] == 3
    # Every open case has the council's and the police's sections; the demo auditor holds the police's, has
    # started one (a draft, nothing submitted) and has the others still to begin.
    for case in first.cases.all():
        assert {shape.COUNCIL, shape.POLICE} <= set(case.sections.values_list("agency__code", flat=True))
    auditor = User.objects.get(email=f"auditor@{DEMO_DOMAIN}")
    mine = list(sections_for_auditor(auditor))
    assert len(mine) == 5
    assert {section.agency.code for section in mine} == {shape.POLICE}
    statuses = Counter(section.status for section in mine)
    assert statuses == {AuditSection.Status.IN_PROGRESS: 1, AuditSection.Status.NOT_STARTED: 4}
    assert not AuditSection.objects.filter(case__round=first, status=AuditSection.Status.SUBMITTED).exists()
    # Nothing else is between planned and reported.
    assert (
        AuditRound.objects.exclude(status__in=[AuditRound.Status.REPORTED, AuditRound.Status.PLANNED]).get()
        == first
    )


def test_some_case_review_actions_name_the_audit_that_showed_their_impact(seeded: Seeded) -> None:
    linked = Action.objects.exclude(impact_audit_code="")
    assert linked.count() == seeded.summary.counts["case review actions whose impact an audit showed"] >= 1
    rounds = {r.code: r for r in AuditRound.objects.filter(status=AuditRound.Status.REPORTED)}
    for action in linked:
        assert action.source_kind == Action.SourceKind.REVIEW_RECOMMENDATION
        assert action.impact_approach == Action.ImpactApproach.MULTI_AGENCY_AUDIT
        reported_on = rounds[action.impact_audit_code].reported_on
        assert action.closed_at is not None and action.impact_recorded_at is not None and reported_on
        assert (
            timezone.localdate(action.closed_at)
            < reported_on
            <= timezone.localdate(action.impact_recorded_at)
        )
        assert timezone.localdate(action.impact_recorded_at) <= REFERENCE_DATE


def test_nothing_reported_is_dated_after_the_demos_today(seeded: Seeded) -> None:
    reported = _reported()
    latest_dates = [
        reported.aggregate(m=Max("reported_on"))["m"],
        AuditCase.objects.aggregate(m=Max("moderated_on"))["m"],
        IndependentGrade.objects.aggregate(m=Max("graded_on"))["m"],
        PractitionerInvitation.objects.aggregate(m=Max("invited_on"))["m"],
        Escalation.objects.aggregate(m=Max("acted_on"))["m"],
        Briefing.objects.aggregate(m=Max("published_on"))["m"],
        BriefingShare.objects.aggregate(m=Max("shared_on"))["m"],
    ]
    assert all(day is not None and day <= REFERENCE_DATE for day in latest_dates), latest_dates
    for model, name in (
        (AuditSection, "submitted_at"),
        (AuditToolVersion, "published_at"),
        (Action, "created_at"),
        (Action, "closed_at"),
        (ActionUpdate, "written_at"),
    ):
        latest = model._default_manager.aggregate(m=Max(name))["m"]
        assert latest is not None and timezone.localdate(latest) <= REFERENCE_DATE, (model, name)
    for audit_round in reported:
        submitted = audit_round.cases.aggregate(m=Max("sections__submitted_at"))["m"]
        assert audit_round.panel_date is not None and timezone.localdate(submitted) < audit_round.panel_date


def test_no_childs_name_is_written_outside_the_childs_record(seeded: Seeded) -> None:
    names = {
        f"{child.first_name} {child.last_name}"
        for child in (case.child for case in AuditCase.objects.select_related("child"))
    }
    texts: list[str] = []
    for case in AuditCase.objects.all():
        texts += [case.code, case.grade_reason, case.family_views_summary]
    texts += list(Finding.objects.values_list("text", flat=True))
    texts += [r.summary for r in AuditRound.objects.all()]
    texts += list(
        PractitionerInvitation.objects.values_list("role", "reflections").values_list("role", flat=True)
    )
    for briefing in Briefing.objects.filter(source_kind=Briefing.SourceKind.AUDIT):
        texts += [briefing.title, briefing.background, briefing.what_happened]
    joined = "\n".join(texts)
    assert not [name for name in names if name in joined]
    first_names = {name for group in NAME_GROUPS for name in group.first_names}
    assert not [
        role for role in PractitionerInvitation.objects.values_list("role", flat=True) if role in first_names
    ]
