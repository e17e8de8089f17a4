"""The demo's front door: a year and a half of contacts as the services would have left them, in Walsall's
proportions, at a reduced volume so the tests stay fast (the step reads CONTACTS_PER_YEAR when it runs)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count, F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.children.models import Child, CINReferral, EarlyHelpRequest
from safeguarding.core.calendar import current_calendar
from safeguarding.core.testing import sign_in
from safeguarding.demo.names import NAME_GROUPS
from safeguarding.demo.services import SeedSummary, demo_partnership_seed
from safeguarding.demo.steps import frontdoor as step
from safeguarding.frontdoor import measures
from safeguarding.frontdoor.measures import Period
from safeguarding.frontdoor.models import (
    Contact,
    ContactChild,
    ContactConcern,
    HouseholdMember,
    ReferenceCounter,
)
from safeguarding.population.models import ChildPopulation

pytestmark = pytest.mark.django_db

SMALL_VOLUME = 700  # contacts a year at scale 1 in these tests (Walsall: 14,000)
DAYS = (step.LAST_DAY - step.FIRST_DAY).days + 1
REFERENCE = re.compile(r"^WSP-(\d{4})-(\d{6})$")
Outcome, Status = Contact.Outcome, Contact.Status


@pytest.fixture(autouse=True)
def _small_front_door(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(step, "CONTACTS_PER_YEAR", SMALL_VOLUME)


@pytest.fixture(scope="module")
def seeded(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """One seed shared by the read-only tests of this module, removed afterwards."""
    with django_db_blocker.unblock():
        patch = pytest.MonkeyPatch()
        patch.setattr(step, "CONTACTS_PER_YEAR", SMALL_VOLUME)
        with transaction.atomic():
            summary = demo_partnership_seed(scale=1, seed=2023)
            yield summary
            transaction.set_rollback(True)
        patch.undo()


def _snapshot() -> list[tuple[Any, ...]]:
    return list(
        Contact.objects.order_by("reference").values_list(
            "reference", "received_at", "channel", "source", "outcome", "decided_at", "referrer_name", "rag"
        )
    ) + list(ContactChild.objects.order_by("contact__reference", "pk").values_list("first_name", "last_name"))


def _seed_and_roll_back(**options: Any) -> tuple[SeedSummary, list[tuple[Any, ...]]]:
    with transaction.atomic():
        summary = demo_partnership_seed(**options)
        snapshot = _snapshot()
        transaction.set_rollback(True)
    return summary, snapshot


# First in the module: it seeds its own partnerships, before the shared one below exists.
def test_the_same_seed_gives_the_same_contacts_and_scale_two_twice_as_many() -> None:
    one, first = _seed_and_roll_back(seed=5)
    _, again = _seed_and_roll_back(seed=5)
    assert first == again
    two, _ = _seed_and_roll_back(seed=5, scale=2)
    assert 1.85 < two.counts["contacts"] / one.counts["contacts"] < 2.15


def _demo_now() -> datetime:
    return timezone.make_aware(datetime.combine(step.LAST_DAY, step.DEMO_NOW_TIME))


def test_the_volume_is_the_years_contacts_and_the_summary_counts_what_was_written(
    seeded: SeedSummary,
) -> None:
    expected = SMALL_VOLUME * DAYS / 365
    assert abs(Contact.objects.count() - expected) < expected * 0.05
    counts = seeded.counts
    assert counts["contacts"] == Contact.objects.count()
    assert counts["open contacts"] == Contact.objects.exclude(status=Status.DECIDED).count()
    assert counts["children"] == Child.objects.count()
    assert counts["CIN referrals"] == CINReferral.objects.count()
    assert counts["early help requests"] == EarlyHelpRequest.objects.count()
    history = Contact.objects.filter(status=Status.DECIDED).order_by("received_at")
    first = timezone.localtime(history.first().received_at).date()  # type: ignore[union-attr]
    last = timezone.localtime(history.last().received_at).date()  # type: ignore[union-attr]
    assert first >= step.FIRST_DAY
    assert last <= step.LAST_DAY
    assert ContactChild.objects.count() >= Contact.objects.count()
    assert HouseholdMember.objects.count() >= Contact.objects.count()
    assert ContactConcern.objects.count() >= Contact.objects.count()


def test_references_run_in_order_of_receipt_within_each_year_and_the_counters_agree(
    seeded: SeedSummary,
) -> None:
    by_year: dict[int, list[int]] = {}
    for reference, received in Contact.objects.order_by("received_at", "pk").values_list(
        "reference", "received_at"
    ):
        found = REFERENCE.match(reference)
        assert found is not None, reference
        assert int(found[1]) == timezone.localtime(received).year
        by_year.setdefault(int(found[1]), []).append(int(found[2]))
    for numbers in by_year.values():
        assert numbers == list(range(1, len(numbers) + 1))
    counters = dict(ReferenceCounter.objects.values_list("year", "last_number"))
    assert counters == {year: len(numbers) for year, numbers in by_year.items()}
    this_week = timezone.localdate().year  # the open contacts, moved to the week of seeding
    assert set(counters) <= {2021, 2022, 2023, this_week, this_week - 1} and {2021, 2022} <= set(counters)


def test_status_outcome_and_times_agree_as_the_services_leave_them(seeded: SeedSummary) -> None:
    assert set(Contact.objects.values_list("version", flat=True)) == {1}
    decided = Contact.objects.filter(status=Status.DECIDED)
    assert not decided.filter(decided_at__isnull=True).exists()
    assert not decided.filter(outcome="").exists()
    assert not decided.filter(decided_by__isnull=True).exists()
    assert not decided.filter(decided_at__lt=F("received_at")).exists()
    assert not decided.filter(decided_at__gt=_demo_now()).exists()
    assert not decided.filter(outcome=Outcome.NFA, nfa_reason="").exists()
    # Level 4, and no further action on a red contact, were authorised by a manager at the decision.
    needing_manager = decided.filter(outcome=Outcome.LEVEL_4) | decided.filter(outcome=Outcome.NFA, rag="red")
    assert not needing_manager.exclude(authorised_at=F("decided_at")).exists()
    assert not needing_manager.filter(authorised_by__isnull=True).exists()
    open_contacts = Contact.objects.exclude(status=Status.DECIDED)
    assert not open_contacts.filter(decided_at__isnull=False).exists()
    assert not open_contacts.filter(feedback_sent_at__isnull=False).exists()
    assert not Contact.objects.filter(status=Status.NEW).exclude(outcome="").exists()
    assert not Contact.objects.filter(status=Status.NEW, assigned_to__isnull=False).exists()
    waiting = Contact.objects.filter(status=Status.AWAITING_AUTHORISATION)
    assert not waiting.filter(decided_by__isnull=True).exists()
    assert not waiting.exclude(outcome__in=[Outcome.LEVEL_4, Outcome.NFA]).exists()
    assert not Contact.objects.filter(immediate_danger=True, called_999=False).exists()
    feedback = Contact.objects.filter(feedback_sent_at__isnull=False)
    assert not feedback.filter(referrer_email="").exists()
    assert not feedback.filter(feedback_sent_at__lt=F("decided_at")).exists()


def test_level_4_and_level_3_decisions_made_records_for_every_child(seeded: SeedSummary) -> None:
    level_4 = Contact.objects.filter(status=Status.DECIDED, outcome=Outcome.LEVEL_4)
    level_3 = Contact.objects.filter(status=Status.DECIDED, outcome=Outcome.LEVEL_3)
    assert not ContactChild.objects.filter(contact__in=level_4, child__isnull=True).exists()
    assert not ContactChild.objects.filter(contact__in=level_3, child__isnull=True).exists()
    assert CINReferral.objects.count() == ContactChild.objects.filter(contact__in=level_4).count()
    assert EarlyHelpRequest.objects.count() == ContactChild.objects.filter(contact__in=level_3).count()
    for referral in CINReferral.objects.all()[:50]:
        contact = Contact.objects.get(reference=referral.contact_reference)
        assert contact.decided_at is not None
        assert referral.referral_date == timezone.localdate(contact.decided_at)
        assert referral.source == contact.source
        assert contact.children.filter(child=referral.child).exists()
    # About one decision in five goes to social care; CIN referrals are per child.
    share = level_4.count() / Contact.objects.filter(status=Status.DECIDED).count()
    assert 0.12 < share < 0.25


def test_channels_referrers_and_dash_risk_are_as_each_way_in_records_them(seeded: SeedSummary) -> None:
    online = Contact.objects.filter(channel__in=[Contact.Channel.EMARF, Contact.Channel.API])
    assert online.exists()
    launched = timezone.make_aware(datetime.combine(step.EMARF_LAUNCHED, time.min))
    assert not online.filter(received_at__lt=launched).exists()
    assert not online.filter(referrer__isnull=True).exists()
    assert (
        not Contact.objects.exclude(channel__in=[Contact.Channel.EMARF, Contact.Channel.API])
        .filter(referrer__isnull=False)
        .exists()
    )
    police = Contact.objects.filter(channel=Contact.Channel.POLICE_NOTIFICATION)
    with_da = police.filter(concerns__concern="domestic_abuse")
    assert with_da.exists()
    assert not with_da.filter(dash_risk="").exists()
    assert not Contact.objects.exclude(pk__in=with_da.values("pk")).exclude(dash_risk="").exists()
    # Police and schools refer most.
    by_source = Counter(
        dict(Contact.objects.values_list("source").annotate(n=Count("pk")).values_list("source", "n"))
    )
    largest_two = [source for source, _ in by_source.most_common(2)]
    assert largest_two == ["6", "2A"]


def test_children_are_synthetic_and_come_back_in_repeat_contacts(seeded: SeedSummary) -> None:
    family_names = {name for group in NAME_GROUPS for name in group.family_names}
    assert set(Child.objects.values_list("last_name", flat=True)) <= family_names
    for nhs_number in Child.objects.exclude(nhs_number="").values_list("nhs_number", flat=True)[:200]:
        assert nhs_number.startswith("999")
    repeat = measures.repeat_contacts(Period.financial_year(2022))
    assert repeat.value is not None and 25 < repeat.value < 60
    assert Child.objects.annotate(n=Count("contacts")).filter(n__gt=1).exists()


def test_decisions_cross_weekends_and_bank_holidays_and_some_contacts_are_overdue(
    seeded: SeedSummary,
) -> None:
    calendar = current_calendar()
    decided = Contact.objects.filter(status=Status.DECIDED).values_list("received_at", "decided_at")
    across_weekend = across_holiday = 0
    for received, decided_at in decided:
        first, last = timezone.localdate(received), timezone.localdate(decided_at)
        days = [first + timedelta(days=n) for n in range(1, (last - first).days)]
        across_weekend += any(day.weekday() >= 5 for day in days)
        across_holiday += any(day.weekday() < 5 and not calendar.is_working_day(day) for day in days)
    assert across_weekend > 20
    assert across_holiday > 0
    on_time = measures.decisions_within_one_working_day(Period.financial_year(2022), now=_demo_now())
    assert on_time.value is not None and 80 < on_time.value < 97
    # The open contacts are the live work of the week of seeding: some due soon, a few overdue.
    shift = step.open_contacts_shift(timezone.localdate())
    last_day = step.LAST_DAY + shift
    open_contacts = Contact.objects.exclude(status=Status.DECIDED)
    overdue_before = timezone.make_aware(datetime.combine(last_day - timedelta(days=2), time.min))
    assert open_contacts.filter(received_at__lt=overdue_before).count() >= 3
    fortnight_before = timezone.make_aware(datetime.combine(last_day - timedelta(days=15), time.min))
    assert not open_contacts.filter(received_at__lt=fortnight_before).exists()
    assert last_day <= timezone.localdate() < last_day + timedelta(days=7)


def test_the_population_rates_divide_by_walsalls_children(seeded: SeedSummary) -> None:
    assert ChildPopulation.objects.get(year=2020).children_0_17 == 69_375
    assert set(ChildPopulation.objects.values_list("year", flat=True)) == {2019, 2020, 2021, 2022, 2023}
    rate = measures.contacts_per_10000_children(Period.financial_year(2022))
    assert rate.base == 69_335 and rate.value is not None


def test_the_demo_mash_manager_sees_the_measures_of_the_last_year(seeded: SeedSummary) -> None:
    manager = User.objects.get(email="mash.manager@demo.example.org")
    response = sign_in(Client(), manager).get(reverse("frontdoor:measures"))
    assert response.status_code == 200
    assert response.context["period"] == Period.financial_year(2022)


def test_children_are_children_and_parents_older_than_them_in_every_contact(seeded: SeedSummary) -> None:
    # Moving the open contacts to the week of seeding must not age their children past 17.
    for contact in Contact.objects.prefetch_related("children", "household"):
        received = timezone.localdate(contact.received_at)
        born = [c.date_of_birth for c in contact.children.all() if c.date_of_birth is not None]
        assert all((received - day).days < 18 * 365 + 5 for day in born), contact.reference
        eldest = min(born, default=None)
        for adult in contact.household.all():
            if eldest is not None and adult.date_of_birth is not None and adult.relationship == "Mother":
                assert (eldest - adult.date_of_birth).days >= 17 * 365, contact.reference


def test_one_episode_per_child_and_day(seeded: SeedSummary) -> None:
    for rows in (
        CINReferral.objects.values("child", "referral_date"),
        EarlyHelpRequest.objects.values("child", "requested_on"),
    ):
        assert not rows.annotate(n=Count("pk")).filter(n__gt=1).exists()
