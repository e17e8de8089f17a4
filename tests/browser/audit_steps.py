"""Set-up and page helpers for the audit round browser test (tests/browser/test_audit_round.py).

The cast: the business unit officer who runs the round, an auditor in agency A and one in agency B, a PQA
subgroup member who reads reports, and a MASH manager in the council who records the children's journeys.
The children (synthetic) are made with the children app's own factory and services, so that on the sample
day (the round's opening day, 1 October 2024) there are three strata of two children each, plus one child
whose journey starts only after that day and so may never be sampled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from playwright.sync_api import Page, expect

from safeguarding.accounts.models import Agency, User
from safeguarding.children import services as journeys
from safeguarding.children.codes import CategoryOfAbuse, LegalStatus, PrimaryNeed
from safeguarding.children.models import Child, ChildProtectionPlan, LookedAfterPeriod
from safeguarding.children.tests.support import make_child
from safeguarding.core.testing import give_two_factor, make_agency, make_personas, make_user
from tests.browser.support import sign_in_through_the_page

SAMPLE_DAY = date(2024, 10, 1)

# The strata as the round page names them (audits.sampling.StratumKey.label), each with its two children.
CP_STRATUM = "On a child protection plan; referred by police"
LAC_STRATUM = "Looked after; referred by education"
EH_STRATUM = "Early help; referrer not known"
STRATA: dict[str, tuple[tuple[str, str], ...]] = {
    CP_STRATUM: (("Ciaran", "Plantest"), ("Cora", "Plantest")),
    LAC_STRATUM: (("Leon", "Caretest"), ("Lola", "Caretest")),
    EH_STRATUM: (("Eden", "Helptest"), ("Ezra", "Helptest")),
}
LATE_CHILD = ("Otto", "Latetest")  # early help only from February 2025: not in the journey on the sample day


@dataclass
class Cast:
    officer: User
    auditor_a: User
    auditor_b: User
    pqa_member: User
    agency_a: Agency
    agency_b: Agency
    children: dict[str, list[Child]] = field(default_factory=dict)
    late_child: Child | None = None

    def every_child_name(self) -> list[str]:
        names = [child.display_name for group in self.children.values() for child in group]
        return [*names, f"{LATE_CHILD[0]} {LATE_CHILD[1]}"]


def make_cast() -> Cast:
    personas = make_personas()
    council = make_agency(name="Test Council", code="TCC", kind=Agency.Kind.LOCAL_AUTHORITY)
    recorder = make_user("mash_manager", council, full_name="Mo Recorder")
    cast = Cast(
        officer=personas.bu_officer,
        auditor_a=make_user("auditor", personas.agency_a, full_name="Ava Auditor"),
        auditor_b=make_user("auditor", personas.agency_b, full_name="Ben Auditor"),
        pqa_member=make_user("subgroup_member", personas.agency_b, full_name="Pat Member"),
        agency_a=personas.agency_a,
        agency_b=personas.agency_b,
    )
    cast.children = {stratum: [] for stratum in STRATA}
    for number, (first, last) in enumerate(STRATA[CP_STRATUM]):
        child = make_child(first_name=first, last_name=last, date_of_birth=date(2012, 3, 4 + number))
        episode = journeys.cin_referral_create(
            actor=recorder, child=child, referral_date=date(2024, 5, 1), source="6"
        )
        plan = ChildProtectionPlan(
            episode=episode,
            start_date=date(2024, 6, 3),
            initial_category=CategoryOfAbuse.NEGLECT,
            latest_category=CategoryOfAbuse.NEGLECT,
        )
        journeys.journey_record_save(actor=recorder, record=plan, child=child)
        cast.children[CP_STRATUM].append(child)
    for number, (first, last) in enumerate(STRATA[LAC_STRATUM]):
        child = make_child(first_name=first, last_name=last, date_of_birth=date(2010, 7, 8 + number))
        journeys.cin_referral_create(actor=recorder, child=child, referral_date=date(2024, 3, 1), source="2A")
        period = LookedAfterPeriod(
            child=child,
            start_date=date(2024, 4, 2),
            legal_status=LegalStatus.INTERIM_CARE_ORDER,
            category_of_need=PrimaryNeed.ABUSE_OR_NEGLECT,
        )
        journeys.journey_record_save(actor=recorder, record=period, child=child)
        cast.children[LAC_STRATUM].append(child)
    for number, (first, last) in enumerate(STRATA[EH_STRATUM]):
        child = make_child(first_name=first, last_name=last, date_of_birth=date(2016, 1, 10 + number))
        journeys.early_help_request_create(actor=recorder, child=child, requested_on=date(2024, 9, 2))
        cast.children[EH_STRATUM].append(child)
    late = make_child(first_name=LATE_CHILD[0], last_name=LATE_CHILD[1], date_of_birth=date(2015, 5, 5))
    journeys.early_help_request_create(actor=recorder, child=late, requested_on=date(2025, 2, 3))
    cast.late_child = late
    return cast


# --- Page helpers -------------------------------------------------------------------------------------------


def switch_to(page: Page, user: User) -> None:
    """Sign out (drop the cookies) and sign in as `user` with a fresh authenticator (a TOTP code is accepted
    once per device and time step, so each sign-in gets its own device)."""
    page.context.clear_cookies()
    sign_in_through_the_page(page, user.email, give_two_factor(user))


def fill_date(page: Page, legend: str, day: date) -> None:
    """A GOV.UK date input: three boxes (Day, Month, Year) in a fieldset named by its legend."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def choose(page: Page, label: str, option: str, *, exact: bool = False) -> None:
    page.get_by_label(label, exact=exact).select_option(label=option)


def saved(page: Page, text: str) -> None:
    expect(page.locator(".govuk-notification-banner")).to_contain_text(text)


def heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)
