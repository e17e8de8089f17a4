"""Agency data returns: opening, entering, submitting, accepting or returning, the values acceptance stores,
scope and reminders. Figures are synthetic and worked by hand in each test."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.http import Http404

from safeguarding.accounts.models import Agency, User
from safeguarding.core.testing import Personas, make_agency, make_user
from safeguarding.frontdoor.measures import Period
from safeguarding.indicators.compute import indicators_sync
from safeguarding.indicators.models import (
    AgencyReturn,
    AgencyReturnFigure,
    IndicatorNarrative,
    IndicatorValue,
)
from safeguarding.indicators.returns import (
    return_accept,
    return_get_for_user,
    return_save,
    return_send_back,
    return_submit,
    returns_attention,
    returns_open,
    returns_remind,
    returns_visible_to,
)

pytestmark = pytest.mark.django_db

DA = "police_da_notifications"
MISSING = "police_missing_reports"
CONF = "health_conference_reports_on_time_pct"
IHA = "health_cla_assessments_in_time_pct"
Q1 = "2022-23-q1"
DUE = date(2022, 7, 21)


@pytest.fixture(autouse=True)
def _registry() -> None:
    indicators_sync()


@pytest.fixture
def police() -> Agency:
    return make_agency(name="Test Police", code="TPOL", kind=Agency.Kind.POLICE)


@pytest.fixture
def lead(police: Agency) -> User:
    return make_user("agency_safeguarding_lead", police, full_name="Pat Lead", email="pat.lead@example.org")


def opened(agency: Agency, quarter: str = Q1) -> AgencyReturn:
    """The agency's return for the quarter, due three weeks after the quarter ends (21 July for Q1)."""
    due = Period.parse("quarter", quarter).last + timedelta(days=21)
    returns_open(quarter_key=quarter, due_date=due, actor=None)
    return AgencyReturn.objects.get(agency=agency, period_key=quarter)


def at(year: int, month: int, day: int) -> datetime:
    """9am London time on a day: when the daily reminder run happens."""
    return datetime(year, month, day, 9, 0, tzinfo=ZoneInfo("Europe/London"))


def police_figures(da: int = 120, missing: int = 35) -> dict[str, object]:
    return {DA: da, MISSING: missing}


def submitted(agency: Agency, lead: User, quarter: str = Q1, **figures: int) -> AgencyReturn:
    agency_return = opened(agency, quarter)
    return_save(
        agency_return=agency_return,
        actor=lead,
        figures=police_figures(**figures),
        narratives={DA: "Two operations in May raised notifications."},
        narrative="A quarter of steady demand.",
    )
    return return_submit(agency_return=agency_return, actor=lead)


# --- Opening ------------------------------------------------------------------------------------------------


def test_opening_a_quarter_makes_a_draft_for_each_active_owning_agency_once(police: Agency) -> None:
    trust = make_agency(name="Test Trust", code="TTR", kind=Agency.Kind.NHS_TRUST)
    council = make_agency(name="Test Council", code="TLA", kind=Agency.Kind.LOCAL_AUTHORITY)
    make_agency(name="A School", kind=Agency.Kind.SCHOOL)
    make_agency(name="Old Police", kind=Agency.Kind.POLICE, active=False)

    first = returns_open(quarter_key=Q1, due_date=DUE, actor=None)
    assert {r.agency for r in first} == {police, trust, council}
    assert {r.status for r in first} == {AgencyReturn.Status.DRAFT}
    assert all(r.due_date == DUE for r in first)

    again = returns_open(quarter_key=Q1, due_date=date(2022, 8, 1), actor=None)
    assert again == []
    assert AgencyReturn.objects.filter(period_key=Q1).count() == 3
    assert AgencyReturn.objects.get(agency=police).due_date == DUE


def test_opening_refuses_a_bad_quarter_or_a_due_date_inside_the_quarter(police: Agency) -> None:
    with pytest.raises(ValidationError, match="is not a quarter"):
        returns_open(quarter_key="2022-q1", due_date=DUE, actor=None)
    with pytest.raises(ValidationError, match="after the quarter ends"):
        returns_open(quarter_key=Q1, due_date=date(2022, 6, 30), actor=None)
    assert not AgencyReturn.objects.exists()


# --- Entering figures ---------------------------------------------------------------------------------------


def test_percentages_are_numerator_over_denominator_to_one_decimal_place(lead: User) -> None:
    trust = make_agency(name="Test Trust", code="TTR", kind=Agency.Kind.NHS_TRUST)
    nurse = make_user("agency_safeguarding_lead", trust)
    agency_return = opened(trust)
    return_save(agency_return=agency_return, actor=nurse, figures={CONF: ("2", "3"), IHA: (45, 50)})
    figures = {f.version.indicator.code: f for f in agency_return.figures.all()}
    # 2 / 3 = 66.666...% -> 66.7; 45 / 50 = 90%.
    assert (figures[CONF].numerator, figures[CONF].denominator, figures[CONF].value) == (2, 3, 66.7)
    assert figures[IHA].value == 90.0
    assert figures[IHA].entered_by == nurse


def test_bad_numbers_are_refused_with_a_message_for_each_and_nothing_is_saved(lead: User) -> None:
    trust = make_agency(name="Test Trust", code="TTR", kind=Agency.Kind.NHS_TRUST)
    agency_return = opened(trust)
    with pytest.raises(ValidationError) as caught:
        return_save(agency_return=agency_return, actor=lead, figures={CONF: ("12", "10"), IHA: ("4", "")})
    errors = caught.value.message_dict
    assert errors[f"{CONF}-numerator"] == [
        "Health reports to child protection conferences on time: the numerator (12) cannot be more than "
        "the denominator (10)"
    ]
    assert "enter both the numerator and the denominator" in errors[f"{IHA}-denominator"][0]
    assert not AgencyReturnFigure.objects.exists()


def test_counts_must_be_whole_numbers_of_zero_or_more(police: Agency, lead: User) -> None:
    agency_return = opened(police)
    with pytest.raises(ValidationError) as caught:
        return_save(agency_return=agency_return, actor=lead, figures={DA: "-3", MISSING: "twelve"})
    errors = caught.value.message_dict
    assert errors[f"{DA}-numerator"] == [
        "Domestic abuse notifications involving children: the number cannot be negative"
    ]
    assert errors[f"{MISSING}-numerator"] == [
        "Missing episodes reported to police: enter a whole number of 0 or more, like 42"
    ]
    return_save(agency_return=agency_return, actor=lead, figures={DA: "1,204", MISSING: 0})
    assert {f.version.indicator.code: f.value for f in agency_return.figures.all()} == {
        DA: 1204.0,
        MISSING: 0.0,
    }


def test_who_entered_a_figure_changes_only_when_the_figure_does_and_history_keeps_the_old_value(
    police: Agency, lead: User
) -> None:
    deputy = make_user("agency_safeguarding_lead", police, full_name="Dee Deputy")
    agency_return = opened(police)
    return_save(agency_return=agency_return, actor=lead, figures=police_figures(120, 35))
    da = AgencyReturnFigure.objects.get(version__indicator__code=DA)
    first_entered = da.entered_at

    # The deputy saves the same DA figure and a new missing figure: only the missing figure is theirs now.
    return_save(agency_return=agency_return, actor=deputy, figures=police_figures(120, 36))
    figures = {f.version.indicator.code: f for f in agency_return.figures.all()}
    assert (figures[DA].entered_by, figures[DA].entered_at) == (lead, first_entered)
    assert (figures[MISSING].entered_by, figures[MISSING].numerator) == (deputy, 36)
    history = figures[MISSING].history.order_by("history_date")
    assert [(h.numerator, h.entered_by_id) for h in history] == [(35, lead.pk), (36, deputy.pk)]
    assert figures[DA].history.count() == 1


# --- Submitting and deciding --------------------------------------------------------------------------------


def test_submitting_needs_every_figure_and_names_the_missing_ones(police: Agency, lead: User) -> None:
    agency_return = opened(police)
    return_save(agency_return=agency_return, actor=lead, figures={DA: 120})
    with pytest.raises(ValidationError) as caught:
        return_submit(agency_return=agency_return, actor=lead)
    assert caught.value.messages == [
        "Enter every figure before submitting. Missing: Missing episodes reported to police"
    ]
    agency_return.refresh_from_db()
    assert agency_return.status == AgencyReturn.Status.DRAFT


def test_a_submitted_return_is_locked_until_returned_and_returning_needs_a_comment(
    police: Agency, lead: User, personas: Personas
) -> None:
    agency_return = submitted(police, lead)
    assert (agency_return.status, agency_return.submitted_by) == (AgencyReturn.Status.SUBMITTED, lead)
    with pytest.raises(ValidationError, match="This return is submitted"):
        return_save(agency_return=agency_return, actor=lead, figures=police_figures(1, 1))
    with pytest.raises(ValidationError) as caught:
        return_send_back(agency_return=agency_return, actor=personas.bu_officer, comment="  ")
    assert caught.value.message_dict == {"comment": ["Say what the agency should change before returning it"]}

    returned = return_send_back(agency_return=agency_return, actor=personas.bu_officer, comment="Check May")
    assert (returned.status, returned.decision_comment) == (AgencyReturn.Status.RETURNED, "Check May")
    with pytest.raises(ValidationError, match="Only a submitted return"):
        return_accept(agency_return=returned, actor=personas.bu_officer)
    return_save(agency_return=returned, actor=lead, figures=police_figures(118, 35))
    assert return_submit(agency_return=returned, actor=lead).status == AgencyReturn.Status.SUBMITTED
    assert not IndicatorValue.objects.exists()


def test_accepting_stores_each_figure_as_a_value_with_its_provenance_and_narratives(
    police: Agency, lead: User, personas: Personas
) -> None:
    agency_return = submitted(police, lead, da=120, missing=35)
    accepted = return_accept(agency_return=agency_return, actor=personas.bu_officer, comment="Thank you")
    assert (accepted.status, accepted.decided_by, accepted.decision_comment) == (
        AgencyReturn.Status.ACCEPTED,
        personas.bu_officer,
        "Thank you",
    )
    values = {v.version.indicator.code: v for v in IndicatorValue.objects.filter(agency_return=accepted)}
    assert set(values) == {DA, MISSING}
    da = values[DA]
    assert (da.run, da.period_key, da.period_kind, da.breakdown, da.breakdown_key) == (
        None,
        Q1,
        "quarter",
        {},
        "",
    )
    assert (da.period_start, da.period_end) == (date(2022, 4, 1), date(2022, 6, 30))
    assert (da.numerator, da.denominator, da.value, da.unit) == (120, None, 120.0, "count")
    assert values[MISSING].value == 35.0
    assert accepted.submitted_at is not None and accepted.decided_at is not None
    assert da.computed_from == {
        "agency_return": accepted.pk,
        "agency": "Test Police",
        "submitted_by": "Pat Lead",
        "submitted_at": accepted.submitted_at.isoformat(),
        "accepted_by": "Omar Officer",
        "accepted_at": accepted.decided_at.isoformat(),
    }
    narratives = sorted(
        (n.indicator.code, n.text) for n in IndicatorNarrative.objects.filter(agency_return=accepted)
    )
    assert narratives == [
        (DA, "A quarter of steady demand."),
        (DA, "Two operations in May raised notifications."),
        (MISSING, "A quarter of steady demand."),
    ]
    assert {n.written_by for n in IndicatorNarrative.objects.all()} == {lead}
    assert {n.agency for n in IndicatorNarrative.objects.all()} == {police}


def test_the_fourth_accepted_quarter_writes_the_years_value(
    police: Agency, lead: User, personas: Personas
) -> None:
    # Quarters of 100, 110, 120 and 130 notifications: the year is their sum, 460.
    for number, count in ((1, 100), (2, 110), (3, 120)):
        return_accept(
            agency_return=submitted(police, lead, f"2022-23-q{number}", da=count), actor=personas.bu_officer
        )
    assert not IndicatorValue.objects.filter(period_key="2022-23").exists()
    last = return_accept(
        agency_return=submitted(police, lead, "2022-23-q4", da=130), actor=personas.bu_officer
    )
    year = IndicatorValue.objects.get(period_key="2022-23", version__indicator__code=DA)
    assert (year.value, year.numerator, year.agency_return, year.period_kind) == (460.0, 460, last, "year")
    assert (year.period_start, year.period_end) == (date(2022, 4, 1), date(2023, 3, 31))
    assert year.computed_from["quarters"] == ["2022-23-q1", "2022-23-q2", "2022-23-q3", "2022-23-q4"]


def test_several_agencies_each_get_a_row_and_the_total_sums_numerators_and_denominators(
    personas: Personas,
) -> None:
    icb = make_agency(name="Test ICB", code="TICB", kind=Agency.Kind.HEALTH_ICB)
    trust = make_agency(name="Test Trust", code="TTR", kind=Agency.Kind.NHS_TRUST)
    returns_open(quarter_key=Q1, due_date=DUE, actor=None)
    # ICB 18 of 20 on time (90%), trust 9 of 15 (60%): together 27 of 35 = 77.1%.
    entered = {icb: {CONF: (18, 20), IHA: (5, 5)}, trust: {CONF: (9, 15), IHA: (0, 0)}}
    for agency, figures in entered.items():
        agency_return = AgencyReturn.objects.get(agency=agency)
        actor = make_user("agency_safeguarding_lead", agency)
        return_save(agency_return=agency_return, actor=actor, figures=figures)
        return_submit(agency_return=agency_return, actor=actor)

    return_accept(agency_return=AgencyReturn.objects.get(agency=icb), actor=personas.bu_officer)
    conf = IndicatorValue.objects.filter(version__indicator__code=CONF)
    assert [(v.breakdown, v.breakdown_label, v.value) for v in conf] == [
        ({"agency": "TICB"}, "Test ICB", 90.0)
    ]

    trust_return = return_accept(
        agency_return=AgencyReturn.objects.get(agency=trust), actor=personas.bu_officer
    )
    rows = {v.breakdown_key: v for v in conf.all()}
    assert set(rows) == {"", "agency=TICB", "agency=TTR"}
    assert (rows["agency=TTR"].value, rows[""].numerator, rows[""].denominator, rows[""].value) == (
        60.0,
        27,
        35,
        77.1,
    )
    assert rows[""].agency_return == trust_return
    assert [s["agency"] for s in rows[""].computed_from["sum_of"]] == ["Test ICB", "Test Trust"]
    # The trust had no children entering care (0 of 0): no value, and a reason.
    iha = IndicatorValue.objects.get(version__indicator__code=IHA, breakdown_key="agency=TTR")
    assert (iha.value, iha.missing) == (None, "No cases in the period (the denominator is 0)")
    assert IndicatorValue.objects.get(version__indicator__code=IHA, breakdown_key="").value == 100.0


# --- Scope --------------------------------------------------------------------------------------------------


def test_a_lead_reaches_only_their_own_agencys_returns(
    police: Agency, lead: User, personas: Personas
) -> None:
    other = make_agency(name="Other Police", code="OPOL", kind=Agency.Kind.POLICE)
    other_lead = make_user("agency_safeguarding_lead", other)
    mine = opened(police)
    theirs = AgencyReturn.objects.get(agency=other)

    assert list(returns_visible_to(lead)) == [mine]
    assert set(returns_visible_to(personas.bu_officer)) == {mine, theirs}
    assert list(returns_visible_to(personas.a_worker)) == []
    with pytest.raises(Http404):
        return_get_for_user(other_lead, mine.pk, for_write=True)
    assert return_get_for_user(lead, mine.pk, for_write=True) == mine


# --- Reminders ----------------------------------------------------------------------------------------------


def test_reminders_go_once_before_the_due_date_and_once_when_overdue(
    police: Agency, lead: User, personas: Personas, settings: object
) -> None:
    make_user("referrer", police, email="not.a.lead@example.org")
    make_user("agency_safeguarding_lead", police, email="second.lead@example.org")
    agency_return = opened(police)  # due 21 July 2022; reminders from 7 days before

    assert returns_remind(at(2022, 7, 13)) == []
    assert returns_remind(at(2022, 7, 14)) == [agency_return]
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["pat.lead@example.org", "second.lead@example.org"]
    assert (
        mail.outbox[0].subject
        == "Test Police: data return for Q1 2022-23 (April to June 2022) due on 21 July 2022"
    )
    assert returns_remind(at(2022, 7, 20)) == []

    assert returns_remind(at(2022, 7, 22)) == [agency_return]
    assert "overdue" in mail.outbox[1].subject
    assert "was due on 21 July 2022 and has not been submitted" in mail.outbox[1].body
    assert returns_remind(at(2022, 7, 30)) == []
    assert len(mail.outbox) == 2
    agency_return.refresh_from_db()
    assert agency_return.reminder_sent_at == at(2022, 7, 22)


def test_submitted_returns_and_returns_far_from_due_get_no_reminder(police: Agency, lead: User) -> None:
    submitted(police, lead)
    assert returns_remind(at(2022, 7, 30)) == []
    assert mail.outbox == []


# --- Home page ----------------------------------------------------------------------------------------------


def test_home_page_items_for_a_lead_and_for_the_business_unit(
    police: Agency, lead: User, personas: Personas
) -> None:
    opened(police)
    make_agency(name="Other Police", code="OPOL", kind=Agency.Kind.POLICE)
    returns_open(quarter_key="2022-23-q2", due_date=date(2022, 10, 21), actor=None)
    items = {item.title: item for item in returns_attention(lead)}
    assert items["Data returns to submit"].count == 2  # Q1 and Q2 of their own agency only
    assert "Data returns to review" not in items

    return_save(
        agency_return=AgencyReturn.objects.get(agency=police, period_key=Q1),
        actor=lead,
        figures=police_figures(),
    )
    return_submit(agency_return=AgencyReturn.objects.get(agency=police, period_key=Q1), actor=lead)
    bu_items = {item.title: item for item in returns_attention(personas.bu_officer)}
    assert bu_items["Data returns to review"].count == 1
    assert "Data returns to submit" not in bu_items
