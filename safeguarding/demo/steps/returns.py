"""The agencies' quarterly data returns for 2021-22 and 2022-23: police, health (the ICB and the two trusts)
and the council, entered by their safeguarding leads and decided by the business unit, through the same
services the pages use (so the stored values, narratives and history are what the platform would hold).

Most returns are accepted. For the latest quarter (Q4 2022-23) the police return is still a draft and late,
the ICB's waits for review and the council's has been returned with a comment. The figures are invented
but of a plausible size for Walsall (about 3,000 police domestic abuse notifications involving children a
year at scale 1), and the narratives are short synthetic notes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from safeguarding.accounts.models import Agency, Membership, User
from safeguarding.demo.generator import SeedContext
from safeguarding.frontdoor.measures import Period
from safeguarding.indicators.models import AgencyReturn
from safeguarding.indicators.returns import (
    return_accept,
    return_lines,
    return_save,
    return_send_back,
    return_submit,
    returns_open,
)

YEARS = (2021, 2022)
DUE_AFTER_QUARTER_DAYS = 21
LATEST_QUARTER = "2022-23-q4"
LEAD_ROLE = "agency_safeguarding_lead"
APPROVER_ROLES = ("business_unit_officer", "business_unit_manager")
OWNER_KINDS = (Agency.Kind.POLICE, Agency.Kind.HEALTH_ICB, Agency.Kind.NHS_TRUST, Agency.Kind.LOCAL_AUTHORITY)

# code -> (low, high) per quarter at scale 1: a count, or for a percentage the denominator's range and the
# share's range in percent.
COUNTS = {"police_da_notifications": (650, 900), "police_missing_reports": (140, 260)}
PERCENTAGES = {
    "health_conference_reports_on_time_pct": ((30, 70), (70, 97)),
    "health_cla_assessments_in_time_pct": ((12, 30), (55, 95)),
    "education_vulnerable_attendance_pct": ((90_000, 140_000), (84, 92)),
}
FIGURE_NOTES = (
    "In line with the previous quarter.",
    "Higher than usual after a targeted operation in the borough.",
    "Lower over the school holidays, as in earlier years.",
    "Recording improved after staff briefings this quarter.",
    "Two staff vacancies affected timeliness early in the quarter.",
    "",
    "",
)
RETURN_NOTES = (
    "Demand was steady this quarter; no changes to how the figures are recorded.",
    "A new case management system went live mid-quarter; figures were checked by hand.",
    "The safeguarding team was fully staffed this quarter and timeliness improved.",
    "Figures include a seasonal rise in December that we see each year.",
)
RETURNED_COMMENT = (
    "The attendance denominator looks low against last quarter: please check the sessions count."
)


def returns_create(ctx: SeedContext) -> None:
    """Open, fill and decide every quarter's returns of the demo's two years (see the module's doc)."""
    approver = _approver()
    agencies = [a for kind in OWNER_KINDS for a in ctx.agencies_of_kind(kind)]
    for year in YEARS:
        for number in range(1, 5):
            quarter = Period.quarter(year, number)
            due = quarter.last + timedelta(days=DUE_AFTER_QUARTER_DAYS)
            returns_open(quarter_key=quarter.key, due_date=due, actor=approver)
            for agency in agencies:
                agency_return = AgencyReturn.objects.select_related("agency").get(
                    agency=agency, period_key=quarter.key
                )
                _fill_and_decide(ctx, agency_return, approver)
                ctx.counts["agency data returns"] += 1


def _fill_and_decide(ctx: SeedContext, agency_return: AgencyReturn, approver: User | None) -> None:
    lead = _lead(agency_return.agency)
    figures = {line.code: _figure(ctx, line.code) for line in return_lines(agency_return)}
    notes = {code: ctx.rng.choice(FIGURE_NOTES) for code in figures}
    kind = agency_return.agency.kind
    latest = agency_return.period_key == LATEST_QUARTER
    if latest and kind == Agency.Kind.POLICE:
        # Still a draft after its due date: only the first figure entered.
        first = sorted(figures)[0]
        return_save(agency_return=agency_return, actor=lead, figures={first: figures[first]})
        return
    return_save(
        agency_return=agency_return,
        actor=lead,
        figures=figures,
        narratives=notes,
        narrative=ctx.rng.choice(RETURN_NOTES),
    )
    return_submit(agency_return=agency_return, actor=lead)
    if latest and kind == Agency.Kind.HEALTH_ICB:
        return  # waits for the business unit's review
    if latest and kind == Agency.Kind.LOCAL_AUTHORITY:
        return_send_back(agency_return=agency_return, actor=approver, comment=RETURNED_COMMENT)
        return
    return_accept(agency_return=agency_return, actor=approver)


def _figure(ctx: SeedContext, code: str) -> Any:
    if code in COUNTS:
        low, high = COUNTS[code]
        return ctx.rng.randint(low * ctx.scale, high * ctx.scale)
    (low, high), (share_low, share_high) = PERCENTAGES[code]
    denominator = ctx.rng.randint(low * ctx.scale, high * ctx.scale)
    numerator = round(denominator * ctx.rng.uniform(share_low, share_high) / 100)
    return (numerator, denominator)


def _lead(agency: Agency) -> User | None:
    """The agency's safeguarding lead, else anyone in the agency (the demo gives every statutory partner
    people), else nobody."""
    members = Membership.objects.filter(agency=agency).select_related("user").order_by("pk")
    chosen = members.filter(role=LEAD_ROLE).first() or members.first()
    return chosen.user if chosen else None


def _approver() -> User | None:
    chosen = Membership.objects.filter(role__in=APPROVER_ROLES).select_related("user").order_by("pk").first()
    return chosen.user if chosen else None
