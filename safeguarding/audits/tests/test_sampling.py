"""The stratified random sample: strata from real journey records, proportional allocation with every
non-empty stratum represented, determinism for a seed, no child twice in a programme, chosen cases."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

import pytest
from django.utils import timezone

from safeguarding.audits import sampling
from safeguarding.audits.models import AuditCase, AuditRound
from safeguarding.audits.services import programme as services
from safeguarding.audits.services.programme import AuditError
from safeguarding.children.codes import CategoryOfAbuse, LegalStatus, PrimaryNeed
from safeguarding.children.models import (
    Assessment,
    Child,
    ChildProtectionPlan,
    CINPlan,
    CINReferral,
    EarlyHelpRequest,
    LookedAfterPeriod,
)
from safeguarding.core.testing import Personas, make_agency, make_personas

pytestmark = pytest.mark.django_db

DAY = date(2023, 6, 1)


@pytest.fixture
def personas() -> Personas:
    return make_personas()


_numbers = iter(range(1, 10_000))


def _child() -> Child:
    n = next(_numbers)
    return Child.objects.create(
        first_name="Sample",
        last_name=f"Testchild{n}",
        la_child_id=f"S{n:04d}",
        date_of_birth=date(2015, 1, 1),
    )


def _episode(child: Child, source: str = "6", **fields: object) -> CINReferral:
    return CINReferral.objects.create(child=child, referral_date=date(2023, 1, 10), source=source, **fields)


def on_cp_plan(source: str = "6") -> Child:
    child = _child()
    ChildProtectionPlan.objects.create(
        episode=_episode(child, source),
        start_date=date(2023, 2, 1),
        initial_category=CategoryOfAbuse.NEGLECT,
        latest_category=CategoryOfAbuse.NEGLECT,
    )
    return child


def looked_after() -> Child:
    child = _child()
    LookedAfterPeriod.objects.create(
        child=child,
        start_date=date(2022, 5, 1),
        legal_status=LegalStatus.INTERIM_CARE_ORDER,
        category_of_need=PrimaryNeed.ABUSE_OR_NEGLECT,
    )
    return child


def child_in_need(source: str = "2A") -> Child:
    child = _child()
    CINPlan.objects.create(episode=_episode(child, source), start_date=date(2023, 3, 1))
    return child


def early_help() -> Child:
    child = _child()
    EarlyHelpRequest.objects.create(child=child, requested_on=date(2023, 4, 1))
    return child


def closed_after_assessment() -> Child:
    child = _child()
    episode = _episode(child, "3A", closure_date=date(2023, 3, 1))
    Assessment.objects.create(
        episode=episode, start_date=date(2023, 1, 11), authorisation_date=date(2023, 2, 20)
    )
    return child


def test_stages_from_the_records_first_fit_wins() -> None:
    cp = on_cp_plan()
    lac = looked_after()
    cin = child_in_need()
    eh = early_help()
    closed = closed_after_assessment()
    both = on_cp_plan()
    EarlyHelpRequest.objects.create(child=both, requested_on=date(2023, 1, 1))
    nothing = _child()
    ended = _child()
    LookedAfterPeriod.objects.create(
        child=ended,
        start_date=date(2020, 1, 1),
        end_date=date(2021, 1, 1),
        legal_status=LegalStatus.INTERIM_CARE_ORDER,
        category_of_need=PrimaryNeed.ABUSE_OR_NEGLECT,
    )
    stages = sampling.journey_stages(DAY)
    assert stages[cp.pk] == sampling.CP_PLAN
    assert stages[lac.pk] == sampling.LOOKED_AFTER
    assert stages[cin.pk] == sampling.CHILD_IN_NEED
    assert stages[eh.pk] == sampling.EARLY_HELP
    assert stages[closed.pk] == sampling.CLOSED_AFTER_ASSESSMENT
    assert stages[both.pk] == sampling.CP_PLAN
    assert nothing.pk not in stages and ended.pk not in stages
    # Before the plan started, the CP child was only an open CIN episode.
    assert sampling.journey_stages(date(2023, 1, 20))[cp.pk] == sampling.CHILD_IN_NEED


def test_strata_combine_stage_and_who_referred() -> None:
    police = on_cp_plan("6")
    school = child_in_need("2A")
    unknown = early_help()
    strata = sampling.strata_of(DAY)
    assert strata[police.pk].label == "On a child protection plan; referred by police"
    assert strata[school.pk].label == "Child in need; referred by education"
    assert strata[unknown.pk].label == "Early help; referrer not known"


def test_allocation_is_proportional_with_every_stratum_represented() -> None:
    keys = [sampling.StratumKey(stage, "police") for stage in sampling.STAGES]
    sizes = dict(zip(keys, [40, 30, 20, 5, 5], strict=True))
    allocation = sampling.allocate(sizes, 10, random.Random(1))
    assert sum(allocation.values()) == 10
    assert all(count >= 1 for count in allocation.values())
    assert allocation[keys[0]] >= allocation[keys[1]] >= allocation[keys[2]] >= allocation[keys[3]]
    # Too few places for every stratum: the biggest ones.
    small = sampling.allocate(sizes, 2, random.Random(1))
    assert small[keys[0]] == 1 and small[keys[1]] == 1 and sum(small.values()) == 2
    # Never more than a stratum holds, and never more than everyone.
    assert sampling.allocate({keys[0]: 2, keys[1]: 1}, 10, random.Random(1)) == {keys[0]: 2, keys[1]: 1}


def _round(personas: Personas, quarter: int = 1, case_count: int = 5, opens_on: date = DAY) -> AuditRound:
    programme = services.programme_create(actor=personas.bu_officer, year="2023-24") if quarter == 1 else None
    from safeguarding.audits.models import AuditProgramme

    programme = programme or AuditProgramme.objects.get(year="2023-24")
    return services.round_create(
        actor=personas.bu_officer,
        programme=programme,
        quarter=quarter,
        theme="neglect",
        rationale=AuditRound.Rationale.PRIORITY,
        case_count=case_count,
        opens_on=opens_on,
    )


def _population() -> dict[str, list[Child]]:
    return {
        "cp": [on_cp_plan() for _ in range(6)],
        "lac": [looked_after() for _ in range(3)],
        "cin": [child_in_need() for _ in range(4)],
        "eh": [early_help() for _ in range(2)],
        "closed": [closed_after_assessment() for _ in range(1)],
    }


def test_round_sample_covers_every_stratum_and_records_it(personas: Personas) -> None:
    _population()
    round = _round(personas, case_count=5)
    cases = services.round_sample(actor=personas.bu_officer, round=round, seed=7)
    assert [case.code for case in cases] == [f"MAA-2023-24-Q1-0{n}" for n in range(1, 6)]
    labels = Counter(case.stratum for case in cases)
    # Five strata, five places: one from each.
    assert sorted(labels) == sorted(
        [
            "On a child protection plan; referred by police",
            "Looked after; referrer not known",
            "Child in need; referred by education",
            "Early help; referrer not known",
            "Referral closed after assessment; referred by health",
        ]
    )
    assert all(case.sampling == AuditCase.Sampling.RANDOM for case in cases)


def test_strata_sizes_are_proportional_for_a_bigger_sample(personas: Personas) -> None:
    _population()  # 16 children: 6 / 3 / 4 / 2 / 1
    round = _round(personas, case_count=10)
    cases = services.round_sample(actor=personas.bu_officer, round=round, seed=3)
    by_stage = Counter(case.stratum.split(";")[0] for case in cases)
    assert sum(by_stage.values()) == 10
    # Quotas 10 x 6/16 = 3.75, 1.875, 2.5, 1.25, 0.625: one each, then the rest to the biggest shortfalls.
    assert by_stage == {
        "On a child protection plan": 4,
        "Looked after": 2,
        "Child in need": 2,
        "Early help": 1,
        "Referral closed after assessment": 1,
    }


def test_the_same_seed_gives_the_same_sample(personas: Personas) -> None:
    _population()
    first = [drawn.child_id for drawn in sampling.draw(DAY, 5, seed=42)]
    again = [drawn.child_id for drawn in sampling.draw(DAY, 5, seed=42)]
    assert first == again
    others = {tuple(drawn.child_id for drawn in sampling.draw(DAY, 5, seed=seed)) for seed in range(10)}
    assert len(others) > 1  # the seed matters


def test_no_child_twice_in_a_programme(personas: Personas) -> None:
    _population()
    first = _round(personas, quarter=1, case_count=8)
    second = _round(personas, quarter=2, case_count=8)
    one = services.round_sample(actor=personas.bu_officer, round=first, seed=1)
    two = services.round_sample(actor=personas.bu_officer, round=second, seed=1)
    assert len(one) == 8 and len(two) == 8
    assert not {case.child_id for case in one} & {case.child_id for case in two}
    third = _round(personas, quarter=3, case_count=5)
    with pytest.raises(AuditError, match="no children left"):
        services.round_sample(actor=personas.bu_officer, round=third, seed=1)


def test_sampling_fills_up_after_a_chosen_case(personas: Personas) -> None:
    kids = _population()
    round = _round(personas, case_count=3)
    chosen = services.round_case_add(actor=personas.bu_officer, round=round, child=kids["cp"][0])
    assert chosen.sampling == AuditCase.Sampling.CHOSEN
    assert chosen.stratum == "On a child protection plan; referred by police"
    assert chosen.code == "MAA-2023-24-Q1-01"
    sampled = services.round_sample(actor=personas.bu_officer, round=round, seed=5)
    assert len(sampled) == 2
    assert [case.code for case in sampled] == ["MAA-2023-24-Q1-02", "MAA-2023-24-Q1-03"]
    assert kids["cp"][0].pk not in {case.child_id for case in sampled}
    with pytest.raises(AuditError, match="already has its 3 children"):
        services.round_sample(actor=personas.bu_officer, round=round)


def test_cases_take_their_agencies_from_the_front_door(personas: Personas) -> None:
    from safeguarding.frontdoor.models import AgencyCheck, Contact, ContactChild

    police = make_agency(name="Test Police", code="TPOL")
    health = make_agency(name="Test Health", code="THEA")
    child = on_cp_plan()
    contact = Contact.objects.create(
        reference="C-TEST-1",
        channel=Contact.Channel.EMARF,
        referrer_agency=police,
        referrer_name="Officer Test",
    )
    ContactChild.objects.create(
        contact=contact, child=child, last_name=child.last_name, date_of_birth=child.date_of_birth
    )
    AgencyCheck.objects.create(
        contact=contact, agency=health, requested_by=personas.bu_officer, due_at=timezone.now()
    )
    round = _round(personas, case_count=1)
    [case] = services.round_sample(actor=personas.bu_officer, round=round, seed=1)
    assert case.child_id == child.pk
    assert set(case.agencies.all()) == {police, health}
    lone = early_help()
    other = services.round_case_add(actor=personas.bu_officer, round=_round(personas, quarter=2), child=lone)
    assert list(other.agencies.all()) == []
