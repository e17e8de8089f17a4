"""The indicator registry as data: every figure the partnership reports, defined once.

Each `IndicatorDefinition` is what the data dictionary prints and what `indicators_sync()` stores as a
versioned `IndicatorVersion` (a new version only when the definition's hash changes). Computed indicators
name the function that computes them: the front door's in `safeguarding.frontdoor.measures`, the journey's
in `safeguarding.indicators.journey` (read lazily: that module registers only the codes it has).
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models

from safeguarding.frontdoor import measures as frontdoor
from safeguarding.frontdoor.measures import Measure, Period, Row

PQA = "Performance and Quality Assurance"


class Unit(models.TextChoices):
    COUNT = "count", "Count"
    PERCENT = "percent", "Percentage"
    PER_10K = "per_10k", "Rate per 10,000 children aged 0-17"
    DAYS = "days", "Days"


class PeriodType(models.TextChoices):
    FINANCIAL_YEAR = "financial_year", "Financial year (April to March)"
    QUARTER = "quarter", "Quarter"
    MONTH = "month", "Month"
    SNAPSHOT = "snapshot", "Snapshot at the end of the period"


class Polarity(models.TextChoices):
    HIGHER_BETTER = "higher", "Higher is better"
    LOWER_BETTER = "lower", "Lower is better"
    NEUTRAL = "neutral", "Neither higher nor lower is better"


class YearFrom(models.TextChoices):
    """How a computation gets a financial year's figure once it has the four quarters' (an optimisation that
    never changes a figure: a test compares every derived year with the year computed directly)."""

    QUARTERS = "quarters", "Added up from the four quarters (each counted item falls in one quarter)"
    FOURTH_QUARTER = "fourth_quarter", "The fourth quarter's (a snapshot on the same last day)"
    DIRECT = "direct", "Computed for the year itself (the same item can count in several quarters)"


class Source(models.TextChoices):
    COMPUTED = "computed", "Computed from platform data"
    AGENCY_RETURN = "agency_return", "Agency data return"
    IMPORTED = "imported", "Imported"


# The partnership's priority themes an indicator can serve (seed 003 section 2.17 priorities and the
# themes its audits and reviews use); the scorecard filters by them.
THEMES: dict[str, str] = {
    "front_door": "Front door and early decisions",
    "early_help": "Early help",
    "neglect": "Neglect",
    "child_sexual_abuse": "Child sexual abuse",
    "exploitation": "Exploitation and missing children",
    "domestic_abuse": "Domestic abuse",
    "child_protection": "Child protection",
    "children_in_care": "Children in care",
}

Compute = Callable[[Period], Measure]
BreakdownCompute = Callable[[Period], list[Row]]


@dataclass(frozen=True)
class Breakdown:
    """A way to split an indicator. `partition`: every counted item falls in exactly one row, so the rows
    add up to the whole (checked at every computation); False when an item may fall in several."""

    name: str
    label: str
    partition: bool
    compute: BreakdownCompute | None = None


@dataclass(frozen=True)
class IndicatorDefinition:
    code: str
    title: str
    definition: str
    numerator: str
    denominator: str
    unit: str
    period_type: str = PeriodType.QUARTER
    polarity: str = Polarity.NEUTRAL
    target: float | None = None
    tolerance: float | None = None
    breakdowns: tuple[Breakdown, ...] = ()
    source: str = Source.COMPUTED
    subgroup: str = PQA
    themes: tuple[str, ...] = ()
    suppression_threshold: int | None = None  # None: settings.SMALL_NUMBER_THRESHOLD
    compute: Compute | None = field(default=None, compare=False)
    # For a rate per 10,000: the code of the count it divides (checked: same numerator).
    rate_of: str = ""
    # For an agency return: the accounts.Agency kinds whose agencies submit it each quarter.
    owner_agency_kinds: tuple[str, ...] = ()
    # Not part of the stored definition: how the year is obtained, never what it means.
    year_from: str = YearFrom.QUARTERS

    @property
    def function(self) -> str:
        if self.compute is None:
            return ""
        return f"{self.compute.__module__}.{self.compute.__qualname__}"

    def stored_fields(self) -> dict[str, Any]:
        """The definition as IndicatorVersion stores it (JSON-able); its hash decides a new version."""
        threshold = self.suppression_threshold
        return {
            "title": self.title,
            "definition": self.definition,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "unit": str(self.unit),
            "period_type": str(self.period_type),
            "polarity": str(self.polarity),
            "target": self.target,
            "tolerance": self.tolerance,
            "breakdowns": [
                {"name": b.name, "label": b.label, "partition": b.partition} for b in self.breakdowns
            ],
            "source": str(self.source),
            "subgroup": self.subgroup,
            "themes": list(self.themes),
            "suppression_threshold": int(settings.SMALL_NUMBER_THRESHOLD if threshold is None else threshold),
            "function": self.function,
            "rate_of": self.rate_of,
            "owner_agency_kinds": list(self.owner_agency_kinds),
        }

    def definition_hash(self) -> str:
        text = json.dumps(self.stored_fields(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


# --- Front door (definitions in docs/measures.md, functions in safeguarding.frontdoor.measures) ------------


def _contacts_by_source_agency(period: Period) -> list[Row]:
    """Contacts by referring agency (or kind of referrer when there is no agency): a partition of contacts."""
    return [Row(row.key, row.label, row.contacts) for row in frontdoor.contacts_by_source_agency(period)]


def _first_paragraph(function: Callable[..., Any]) -> str:
    return " ".join((function.__doc__ or "").strip().split("\n\n")[0].split())


_FRONT_DOOR_THEMES = ("front_door",)

FRONT_DOOR: tuple[IndicatorDefinition, ...] = (
    IndicatorDefinition(
        code="contacts",
        title="Contacts",
        definition=_first_paragraph(frontdoor.contacts),
        numerator="Contacts received in the period",
        denominator="",
        unit=Unit.COUNT,
        breakdowns=(
            Breakdown("level", "Level of need decided", True, frontdoor.contacts_by_level),
            Breakdown("source_agency", "Referring agency", True, _contacts_by_source_agency),
            Breakdown("concern", "Worry category", False, frontdoor.contacts_by_concern),
        ),
        themes=_FRONT_DOOR_THEMES,
        compute=frontdoor.contacts,
    ),
    IndicatorDefinition(
        code="contacts_per_10k",
        title="Contacts per 10,000 children aged 0-17",
        definition=_first_paragraph(frontdoor.contacts_per_10000_children),
        numerator="Contacts received in the period",
        denominator="Children aged 0-17 (ONS mid-year estimate of the year the financial year starts in)",
        unit=Unit.PER_10K,
        themes=_FRONT_DOOR_THEMES,
        compute=frontdoor.contacts_per_10000_children,
        rate_of="contacts",
    ),
    IndicatorDefinition(
        code="contacts_decided_1wd_pct",
        title="Contacts decided within 1 working day",
        definition=_first_paragraph(frontdoor.decisions_within_one_working_day),
        numerator="Contacts received in the period and decided by the end of the next working day",
        denominator="Contacts received in the period, decided or past their deadline",
        unit=Unit.PERCENT,
        polarity=Polarity.HIGHER_BETTER,
        target=95.0,
        tolerance=5.0,
        themes=_FRONT_DOOR_THEMES,
        compute=frontdoor.decisions_within_one_working_day,
    ),
    IndicatorDefinition(
        code="contacts_decided_24h_pct",
        title="Contacts decided within 24 hours",
        definition=_first_paragraph(frontdoor.decisions_within_24_hours),
        numerator="Contacts received in the period and decided within 24 hours",
        denominator="Contacts received in the period, decided or open for more than 24 hours",
        unit=Unit.PERCENT,
        polarity=Polarity.HIGHER_BETTER,
        themes=_FRONT_DOOR_THEMES,
        compute=frontdoor.decisions_within_24_hours,
    ),
    IndicatorDefinition(
        code="contacts_decided_48h_pct",
        title="Contacts decided within 48 hours",
        definition=_first_paragraph(frontdoor.decisions_within_48_hours),
        numerator="Contacts received in the period and decided within 48 hours",
        denominator="Contacts received in the period, decided or open for more than 48 hours",
        unit=Unit.PERCENT,
        polarity=Polarity.HIGHER_BETTER,
        themes=_FRONT_DOOR_THEMES,
        compute=frontdoor.decisions_within_48_hours,
    ),
    IndicatorDefinition(
        code="contacts_to_referral_pct",
        title="Contacts converted to referrals to social care",
        definition=_first_paragraph(frontdoor.referrals_to_social_care),
        numerator="Contacts received in the period and decided at level 4",
        denominator="Contacts received in the period and decided",
        unit=Unit.PERCENT,
        themes=_FRONT_DOOR_THEMES,
        compute=frontdoor.referrals_to_social_care,
    ),
    IndicatorDefinition(
        code="contacts_repeat_12m_pct",
        title="Repeat contacts within 12 months",
        definition=_first_paragraph(frontdoor.repeat_contacts),
        numerator="Contacts with a matched child seen in another contact in the previous 12 months",
        denominator="Contacts received in the period with at least one matched child",
        unit=Unit.PERCENT,
        polarity=Polarity.LOWER_BETTER,
        themes=_FRONT_DOOR_THEMES,
        compute=frontdoor.repeat_contacts,
    ),
    IndicatorDefinition(
        code="contacts_feedback_1wd_pct",
        title="Referrer feedback sent within 1 working day of the decision",
        definition=_first_paragraph(frontdoor.feedback_within_one_working_day),
        numerator="Decided contacts whose outcome reached the referrer by the end of the next working day",
        denominator="Decided contacts with a referrer email, feedback sent or its day over",
        unit=Unit.PERCENT,
        polarity=Polarity.HIGHER_BETTER,
        themes=_FRONT_DOOR_THEMES,
        compute=frontdoor.feedback_within_one_working_day,
    ),
)


# --- Journey (the children app's records; functions in safeguarding.indicators.journey) --------------------

# Only codes present in journey.JOURNEY_MEASURES are registered, so the registry grows as that module does.
# Breakdown names that split their whole into parts (each record in exactly one row).
PARTITION_BREAKDOWNS = frozenset(
    {"level", "category", "reason", "risk_level", "sex", "age_band", "ethnicity", "locality", "source"}
)

BREAKDOWN_LABELS: dict[str, str] = {
    "category": "Category of abuse",
    "factor": "Factor identified at assessment",
    "need": "Presenting need",
    "reason": "Reason for closure",
    "risk_level": "Level of risk found",
    "age_band": "Age band (DfE age groups)",
    "sex": "Sex",
    "ethnicity": "Ethnicity (major group)",
    "locality": "Locality",
    "source": "Source of referral",
}

_CHILDREN_0_17 = "Children aged 0-17 (ONS mid-year estimate of the year the financial year starts in)"


@dataclass(frozen=True)
class JourneyMetadata:
    """What a journey indicator's function cannot say for itself: its title, numerator and denominator in
    plain English, how to read it (polarity, target, tolerance), its period type and its themes."""

    title: str
    numerator: str
    denominator: str = ""
    themes: tuple[str, ...] = ()
    polarity: str = Polarity.NEUTRAL
    target: float | None = None
    tolerance: float | None = None
    period_type: str = PeriodType.QUARTER


def _rate(title: str, counted: str, themes: tuple[str, ...]) -> JourneyMetadata:
    return JourneyMetadata(title, counted, _CHILDREN_0_17, themes)


def _snapshot(title: str, numerator: str, denominator: str, themes: tuple[str, ...]) -> JourneyMetadata:
    return JourneyMetadata(title, numerator, denominator, themes, period_type=PeriodType.SNAPSHOT)


_CP = ("child_protection",)
_CIC = ("children_in_care",)
_EH = ("early_help",)
_FRONT = ("front_door",)
_MISSING = ("exploitation",)

# Targets and tolerances below are the demo partnership's local targets, set by the Performance and Quality
# Assurance subgroup for its scorecard; they are not national targets (DfE sets none for these figures).
JOURNEY_METADATA: dict[str, JourneyMetadata] = {
    # Referrals and assessments
    "referrals": JourneyMetadata(
        "Referrals to children's social care", "Referrals received in the period", "", _FRONT
    ),
    "referrals_per_10k": _rate("Referrals per 10,000 children", "Referrals received in the period", _FRONT),
    "re_referrals_12m_pct": JourneyMetadata(
        "Re-referrals within 12 months",
        "Referrals in the period within 12 months of a previous referral of the same child",
        "Referrals received in the period",
        _FRONT,
        Polarity.LOWER_BETTER,
        20.0,
        3.0,
    ),
    "referrals_nfa_pct": JourneyMetadata(
        "Referrals with no further action",
        "Referrals received in the period recorded as no further action",
        "Referrals received in the period",
        _FRONT,
    ),
    "assessments_completed": JourneyMetadata(
        "Child and family assessments completed", "Assessments authorised in the period", "", _FRONT
    ),
    "assessments_per_10k": _rate(
        "Assessments completed per 10,000 children", "Assessments authorised in the period", _FRONT
    ),
    "assessments_within_45wd_pct": JourneyMetadata(
        "Assessments completed within 45 working days",
        "Assessments authorised in the period on or before the 45th working day after the referral",
        "Assessments authorised in the period",
        _FRONT,
        Polarity.HIGHER_BETTER,
        90.0,
        5.0,
    ),
    "assessment_factor_pct": JourneyMetadata(
        "Factors identified at assessment",
        "Assessments authorised in the period recording the factor",
        "Assessments authorised in the period",
        (*_FRONT, "neglect", "domestic_abuse", "child_sexual_abuse", "exploitation"),
    ),
    # Section 47 enquiries and conferences
    "s47": JourneyMetadata(
        "Section 47 enquiries started", "Section 47 enquiries started in the period", "", _CP
    ),
    "s47_per_10k": _rate(
        "Section 47 enquiries per 10,000 children", "Section 47 enquiries started in the period", _CP
    ),
    "s47_to_icpc_pct": JourneyMetadata(
        "Section 47 enquiries leading to an initial conference",
        "Enquiries started in the period with an initial child protection conference recorded",
        "Section 47 enquiries started in the period",
        _CP,
    ),
    "icpc": JourneyMetadata(
        "Initial child protection conferences", "Initial conferences held in the period", "", _CP
    ),
    "icpc_per_10k": _rate(
        "Initial child protection conferences per 10,000 children",
        "Initial conferences held in the period",
        _CP,
    ),
    "icpc_within_15wd_pct": JourneyMetadata(
        "Initial conferences within 15 working days of the strategy discussion",
        "Initial conferences held in the period by the 15th working day after the strategy discussion",
        "Initial conferences held in the period",
        _CP,
        Polarity.HIGHER_BETTER,
        85.0,
        5.0,
    ),
    "icpc_to_cpp_pct": JourneyMetadata(
        "Initial conferences leading to a child protection plan",
        "Initial conferences held in the period whose episode has a plan starting on or after the conference",
        "Initial conferences held in the period",
        _CP,
    ),
    # Child protection plans
    "cpp_started": JourneyMetadata("Child protection plans started", "Plans started in the period", "", _CP),
    "cpp_started_per_10k": _rate(
        "Child protection plans started per 10,000 children", "Plans started in the period", _CP
    ),
    "cpp_at_end": _snapshot(
        "Children on a child protection plan at the end of the period",
        "Children on a plan at the end of the period's last day (each child once)",
        "",
        _CP,
    ),
    "cpp_at_end_per_10k": JourneyMetadata(
        "Children on a child protection plan per 10,000 children",
        "Children on a plan at the end of the period's last day (each child once)",
        _CHILDREN_0_17,
        _CP,
        period_type=PeriodType.SNAPSHOT,
    ),
    "cpp_second_or_subsequent_pct": JourneyMetadata(
        "Child protection plans for a second or subsequent time",
        "Plans started in the period for a child who had been on a plan before",
        "Plans started in the period",
        _CP,
        Polarity.LOWER_BETTER,
        22.0,
        3.0,
    ),
    "cpp_initial_category_pct": JourneyMetadata(
        "Child protection plans started, by initial category of abuse",
        "Plans started in the period with the category",
        "Plans started in the period",
        (*_CP, "neglect", "child_sexual_abuse"),
    ),
    "cpp_latest_category_pct": _snapshot(
        "Children on a child protection plan, by latest category of abuse",
        "Plans open at the period's end with the category",
        "Plans open at the period's end",
        (*_CP, "neglect", "child_sexual_abuse"),
    ),
    "cpp_ended": JourneyMetadata("Child protection plans ended", "Plans ended in the period", "", _CP),
    "cpp_ended_2y_plus_pct": JourneyMetadata(
        "Child protection plans ended after two years or more",
        "Plans ended in the period that had lasted two years or more",
        "Plans ended in the period",
        _CP,
        Polarity.LOWER_BETTER,
    ),
    "cpp_reviews_in_time_pct": JourneyMetadata(
        "Child protection plans reviewed within timescales",
        "Those children whose plan's reviews were all held in time and whose next review was not overdue",
        "Children on a plan at the period's last day who had been on it for at least 3 months",
        _CP,
        Polarity.HIGHER_BETTER,
        95.0,
        5.0,
        PeriodType.SNAPSHOT,
    ),
    # Children in need and children in care
    "cin_at_end_per_10k": JourneyMetadata(
        "Children in need per 10,000 children",
        "Children with a children in need episode open at the end of the period (each child once)",
        _CHILDREN_0_17,
        _CP,
        period_type=PeriodType.SNAPSHOT,
    ),
    "cla_at_end": _snapshot(
        "Children looked after at the end of the period",
        "Children looked after at the end of the period's last day (each child once)",
        "",
        _CIC,
    ),
    "cla_at_end_per_10k": JourneyMetadata(
        "Children looked after per 10,000 children",
        "Children looked after at the end of the period's last day (each child once)",
        _CHILDREN_0_17,
        _CIC,
        period_type=PeriodType.SNAPSHOT,
    ),
    "cla_entering_after_cpp_pct": JourneyMetadata(
        "Children entering care from a child protection plan",
        "Periods of care starting in the period for a child on a plan then or in the 7 days before",
        "Periods of care starting in the period",
        (*_CIC, *_CP),
    ),
    # Early help
    "eh_requests": JourneyMetadata(
        "Early help requests", "Early help requests received in the period", "", _EH
    ),
    "eh_open_at_end": _snapshot(
        "Early help episodes open at the end of the period",
        "Early help episodes requested by the period's last day and not closed by its end",
        "",
        _EH,
    ),
    "eh_assessment_in_time_pct": JourneyMetadata(
        "Early help assessments completed within 15 working days",
        "Early help assessments completed in the period on or before the 15th working day after the request",
        "Early help assessments completed in the period",
        _EH,
        Polarity.HIGHER_BETTER,
        90.0,
        10.0,
    ),
    "eh_presenting_need_pct": JourneyMetadata(
        "Early help requests by presenting need",
        "Requests received in the period listing the need",
        "Early help requests received in the period",
        _EH,
    ),
    "eh_closures_by_reason": JourneyMetadata(
        "Early help episodes closed, by reason", "Early help episodes closed in the period", "", _EH
    ),
    # Missing children and exploitation
    "missing_episodes": JourneyMetadata(
        "Missing episodes from home or care", "Missing episodes that started in the period", "", _MISSING
    ),
    "missing_children": JourneyMetadata(
        "Children who went missing",
        "Children with a missing episode starting in the period (each child once)",
        "",
        _MISSING,
    ),
    "rhc_offered_pct": JourneyMetadata(
        "Return home conversations offered",
        "Missing episodes ended in the period where a return home conversation was offered",
        "Missing episodes ended (the child returned) in the period",
        _MISSING,
        Polarity.HIGHER_BETTER,
    ),
    "rhc_accepted_pct": JourneyMetadata(
        "Return home conversations accepted",
        "Offers accepted by the child, of the episodes ended in the period",
        "Missing episodes ended in the period where a return home conversation was offered",
        _MISSING,
        Polarity.HIGHER_BETTER,
    ),
    "rhc_within_72h_pct": JourneyMetadata(
        "Return home conversations within 72 hours",
        "Conversations held on or before the day the 72 hours after the child's return ended",
        "Return home conversations held for missing episodes ended in the period",
        _MISSING,
        Polarity.HIGHER_BETTER,
        80.0,
        10.0,
    ),
    "exploitation_screenings": JourneyMetadata(
        "Exploitation screenings completed",
        "Exploitation screenings completed in the period",
        "",
        (*_MISSING, "child_sexual_abuse"),
    ),
}


def _journey_unit(code: str) -> str:
    if code.endswith("_per_10k"):
        return Unit.PER_10K
    if code.endswith("_pct"):
        return Unit.PERCENT
    return Unit.COUNT


def _journey_metadata(code: str, unit: str, function: Compute) -> JourneyMetadata:
    """The code's metadata; a code the table does not know yet (added to journey.py first) gets a title made
    from its code, which the registry tests refuse, so it never ships that way."""
    found = JOURNEY_METADATA.get(code)
    if found is not None:
        return found
    counted = _first_paragraph(function) if unit == Unit.COUNT else "See the definition"
    return JourneyMetadata(
        code.replace("_", " ").capitalize(), counted, "" if unit == Unit.COUNT else "See the definition"
    )


# Journey counts where one item can count in several quarters of a year (a child missing in two quarters
# is one child missing in the year), so the year is computed for itself.
_COUNTED_ONCE_PER_PERIOD = frozenset({"missing_children"})


def _year_from(code: str, period_type: str) -> str:
    if period_type == PeriodType.SNAPSHOT:
        return YearFrom.FOURTH_QUARTER
    if code in _COUNTED_ONCE_PER_PERIOD:
        return YearFrom.DIRECT
    return YearFrom.QUARTERS


def _journey_definitions() -> list[IndicatorDefinition]:
    # Imported here, not at the top: indicators.models imports this module while the apps load, before
    # the children models that journey.py reads from are ready to import.
    journey = importlib.import_module("safeguarding.indicators.journey")
    measures: dict[str, Compute] = journey.JOURNEY_MEASURES
    breakdowns: dict[str, dict[str, BreakdownCompute]] = journey.JOURNEY_BREAKDOWNS
    found = []
    for code, function in measures.items():
        unit = _journey_unit(code)
        rate_of = code.removesuffix("_per_10k") if unit == Unit.PER_10K else ""
        meta = _journey_metadata(code, unit, function)
        found.append(
            IndicatorDefinition(
                code=code,
                title=meta.title,
                definition=_first_paragraph(function),
                numerator=meta.numerator,
                denominator=meta.denominator,
                unit=unit,
                period_type=meta.period_type,
                year_from=_year_from(code, meta.period_type),
                polarity=meta.polarity,
                target=meta.target,
                tolerance=meta.tolerance,
                breakdowns=tuple(
                    Breakdown(
                        name,
                        BREAKDOWN_LABELS.get(name, name.replace("_", " ").capitalize()),
                        name in PARTITION_BREAKDOWNS,
                        fn,
                    )
                    for name, fn in breakdowns.get(code, {}).items()
                ),
                themes=meta.themes,
                compute=function,
                rate_of=rate_of if rate_of in measures else "",
            )
        )
    return found


# --- Agency data returns (figures only the agency holds; submitted quarterly with the narrative) ----------
# The partnership's performance framework (seed 004 section 5) asks partners for quarterly figures "from
# early help through to statutory intervention" with "the narrative behind the figures"; these are the
# figures its annual reports quote from police, health and education (seeds 000 and 003).

_POLICE = ("police",)
_HEALTH = ("health_icb", "nhs_trust")
_EDUCATION = ("local_authority",)  # the council's education service submits for its schools

AGENCY_RETURNS: tuple[IndicatorDefinition, ...] = (
    IndicatorDefinition(
        code="police_da_notifications",
        title="Domestic abuse notifications involving children",
        definition="Domestic abuse incidents attended by police in the period where a child lived in the "
        "household or was present, notified to the MASH (as the police return counts them).",
        numerator="Domestic abuse notifications involving children in the quarter",
        denominator="",
        unit=Unit.COUNT,
        source=Source.AGENCY_RETURN,
        themes=("domestic_abuse",),
        owner_agency_kinds=_POLICE,
    ),
    IndicatorDefinition(
        code="police_missing_reports",
        title="Missing episodes reported to police",
        definition="Episodes of a child going missing from home or care reported to police in the period "
        "(statutory guidance on children who run away or go missing from home or care, 2014).",
        numerator="Missing child reports received by police in the quarter",
        denominator="",
        unit=Unit.COUNT,
        source=Source.AGENCY_RETURN,
        themes=("exploitation",),
        owner_agency_kinds=_POLICE,
    ),
    IndicatorDefinition(
        code="health_conference_reports_on_time_pct",
        title="Health reports to child protection conferences on time",
        definition="Of the child protection conferences in the period that asked health for a report, those "
        "that received it at least 3 working days before the conference (the conference procedures' time for "
        "sharing reports with the family).",
        numerator="Health reports received by the conference at least 3 working days before it",
        denominator="Health reports requested for conferences held in the quarter",
        unit=Unit.PERCENT,
        polarity=Polarity.HIGHER_BETTER,
        target=90.0,
        tolerance=10.0,
        source=Source.AGENCY_RETURN,
        owner_agency_kinds=_HEALTH,
    ),
    IndicatorDefinition(
        code="health_cla_assessments_in_time_pct",
        title="Initial health assessments for children in care within 20 working days",
        definition="Of the children who came into care in the period, those whose initial health assessment "
        "was held within 20 working days of entering care (statutory guidance, Promoting the health and "
        "wellbeing of looked-after children, 2015).",
        numerator="Initial health assessments held within 20 working days of entering care",
        denominator="Children entering care in the quarter who needed an initial health assessment",
        unit=Unit.PERCENT,
        polarity=Polarity.HIGHER_BETTER,
        target=90.0,
        tolerance=10.0,
        source=Source.AGENCY_RETURN,
        themes=("children_in_care",),
        owner_agency_kinds=_HEALTH,
    ),
    IndicatorDefinition(
        code="education_vulnerable_attendance_pct",
        title="School attendance of children on a child protection or child in need plan",
        definition="Sessions attended as a percentage of possible sessions in the period, for pupils of "
        "Walsall schools who were on a child protection or child in need plan (DfE attendance measure: "
        "sessions attended over possible sessions).",
        numerator="Sessions attended by those pupils in the quarter",
        denominator="Possible sessions for those pupils in the quarter",
        unit=Unit.PERCENT,
        polarity=Polarity.HIGHER_BETTER,
        target=90.0,
        tolerance=5.0,
        source=Source.AGENCY_RETURN,
        themes=("neglect",),
        owner_agency_kinds=_EDUCATION,
    ),
)


def registry() -> list[IndicatorDefinition]:
    """Every indicator the platform knows, front door first, each code once."""
    found: dict[str, IndicatorDefinition] = {}
    for definition in (*FRONT_DOOR, *_journey_definitions(), *AGENCY_RETURNS):
        found.setdefault(definition.code, definition)
    return list(found.values())


def definition_for(code: str) -> IndicatorDefinition | None:
    return next((d for d in registry() if d.code == code), None)
