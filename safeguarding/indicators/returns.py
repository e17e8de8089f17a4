"""Agency data returns: the quarterly figures an agency owns, from draft to submitted to accepted or returned.

Some indicators are not computed from platform data but submitted by the agency that holds the data (the
registry's AGENCY_RETURNS: police domestic abuse notifications and missing reports, health reports to
conference and initial health assessments, the council's attendance of children on plans). Each quarter
the business unit opens a return for every active agency of an owning kind; the agency's safeguarding lead
enters the figures with the narrative behind them and submits; the Performance and Quality Assurance
subgroup's officers (datareturn.approve) accept the return or send it back with comments.

Acceptance stores the figures as IndicatorValue rows (agency_return set, no computation run) with the
narratives beside them. When several agencies own an indicator (health: the ICB and the trusts) each
agency's figure is a row broken down by {"agency": code}, and the total ({}) is written once every one of
them has been accepted for the quarter: the sum of the counts, or for a percentage the sum of numerators
over the sum of denominators. A financial year's value is written the same way once all four quarters are
accepted. Those combined rows belong to the return whose acceptance completed them.

Services write (one transaction each, a ValidationError the page shows on bad input); selectors read
with the actor's scope: an agency lead (datareturn.submit, agency scope) reaches only their agency's
returns, an approver (datareturn.approve, partnership-wide) reaches every return.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.permissions import held_grants, holds, holds_partnership_wide
from safeguarding.accounts.models import Agency, Membership
from safeguarding.accounts.roles import ROLES
from safeguarding.core.attention import AttentionItem
from safeguarding.core.reminders import site_link
from safeguarding.frontdoor.measures import Period, PeriodKind, financial_year_label, financial_year_of
from safeguarding.indicators.checks import rounded
from safeguarding.indicators.models import (
    AgencyReturn,
    AgencyReturnFigure,
    IndicatorNarrative,
    IndicatorValue,
    IndicatorVersion,
)
from safeguarding.indicators.registry import Source, Unit
from safeguarding.indicators.selectors import current_versions

SUBMIT = "datareturn.submit"
APPROVE = "datareturn.approve"
Status = AgencyReturn.Status
EDITABLE = (Status.DRAFT, Status.RETURNED)
# Days before the due date when the agency's leads are reminded (settings.DATA_RETURN_REMINDER_DAYS).
DEFAULT_REMINDER_DAYS = 7
_WHOLE_NUMBER = re.compile(r"^-?\d+$")

# A figure as entered: (numerator, denominator) for a percentage, the count alone (or (count, None)) for a
# count; each part an int, the text typed, or None/"" for not entered yet.
FigureEntry = Any


# --- Selectors ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnLine:
    """One indicator of a return: its definition version and the figure entered so far (None if none)."""

    version: IndicatorVersion
    figure: AgencyReturnFigure | None

    @property
    def code(self) -> str:
        return self.version.indicator.code

    @property
    def is_percent(self) -> bool:
        return self.version.unit == Unit.PERCENT

    @property
    def is_entered(self) -> bool:
        figure = self.figure
        if figure is None or figure.numerator is None:
            return False
        return not self.is_percent or figure.denominator is not None


def return_indicator_versions(agency: Agency) -> list[IndicatorVersion]:
    """The current versions of the agency-return indicators an agency of this kind owns."""
    return [
        version
        for version in current_versions()
        if version.source == Source.AGENCY_RETURN and agency.kind in version.owner_agency_kinds
    ]


def owner_kinds() -> set[str]:
    """Every agency kind that owns at least one agency-return indicator."""
    kinds: set[str] = set()
    for version in current_versions():
        if version.source == Source.AGENCY_RETURN:
            kinds.update(version.owner_agency_kinds)
    return kinds


def return_lines(agency_return: AgencyReturn) -> list[ReturnLine]:
    """The indicators of a return in code order, each with its figure; a figure keeps the version it was
    entered against even if the definition has changed since."""
    figures = {
        figure.version.indicator.code: figure
        for figure in agency_return.figures.select_related("version__indicator", "entered_by")
    }
    lines = []
    for version in return_indicator_versions(agency_return.agency):
        figure = figures.pop(version.indicator.code, None)
        lines.append(ReturnLine(figure.version if figure else version, figure))
    lines.extend(ReturnLine(figure.version, figure) for figure in figures.values())
    return sorted(lines, key=lambda line: line.code)


def _submit_agency_ids(user: Any) -> set[int]:
    return {grant.agency_id for grant in held_grants(user) if grant.permission == SUBMIT}


def returns_visible_to(user: Any) -> QuerySet[AgencyReturn]:
    """Approvers see every return; an agency's lead sees their own agency's; anyone else none."""
    returns = AgencyReturn.objects.select_related("agency", "submitted_by", "decided_by")
    if holds_partnership_wide(user, APPROVE):
        return returns
    agency_ids = _submit_agency_ids(user)
    return returns.filter(agency_id__in=agency_ids) if agency_ids else returns.none()


def returns_to_submit(user: Any) -> QuerySet[AgencyReturn]:
    """The returns of the user's own agencies still waiting for their figures (draft or sent back)."""
    agency_ids = _submit_agency_ids(user)
    return AgencyReturn.objects.select_related("agency").filter(agency_id__in=agency_ids)


def return_get_for_user(user: Any, pk: Any, *, for_write: bool = False) -> AgencyReturn:
    """One return: 404 when the user may not see it, 403 when they may see it but not enter its figures
    (only a lead of the return's own agency may)."""
    try:
        agency_return = returns_visible_to(user).get(pk=pk)
    except (AgencyReturn.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such data return, or not one you may see") from exc
    if for_write and agency_return.agency_id not in _submit_agency_ids(user):
        raise PermissionDenied("Only the agency's safeguarding lead enters its data return")
    return agency_return


def return_may_enter(user: Any, agency_return: AgencyReturn) -> bool:
    """May the user enter this return's figures now: a lead of its agency, while it is draft or returned."""
    return agency_return.status in EDITABLE and agency_return.agency_id in _submit_agency_ids(user)


def return_quarters() -> list[str]:
    """Every quarter with a return opened, latest first."""
    keys = AgencyReturn.objects.values_list("period_key", flat=True).distinct()
    return sorted(set(keys), reverse=True)


def return_is_late(agency_return: AgencyReturn, today: date) -> bool:
    """Late: the due date has passed and the agency has not (re)submitted."""
    return agency_return.status in EDITABLE and agency_return.due_date < today


def agencies_missing_a_return(period_key: str) -> list[Agency]:
    """Active agencies of an owning kind with no return opened for the quarter (joined since it was
    opened, for example): the overview shows them as missing."""
    have = AgencyReturn.objects.filter(period_key=period_key).values("agency_id")
    return list(
        Agency.objects.filter(active=True, kind__in=owner_kinds()).exclude(pk__in=have).order_by("name")
    )


def return_figure_history(agency_return: AgencyReturn) -> list[Any]:
    """Every saved state of every figure, newest first: who entered what, and when."""
    history_model = AgencyReturnFigure.history.model
    return list(
        history_model.objects.filter(agency_return_id=agency_return.pk)
        .select_related("version__indicator", "entered_by")
        .order_by("-history_date", "-history_id")
    )


def return_status_history(agency_return: AgencyReturn) -> list[Any]:
    """The return's own saved states, oldest first, for the trail of submissions and decisions."""
    return list(agency_return.history.select_related("submitted_by", "decided_by").order_by("history_date"))


def returns_attention(user: Any) -> list[AttentionItem]:
    """Home-page items: for an agency lead, their agency's returns to submit; for an approver, the
    submitted returns waiting for review."""
    items: list[AttentionItem] = []
    if holds(user, SUBMIT):
        today = timezone.localdate()
        waiting = returns_to_submit(user).filter(status__in=EDITABLE)
        items.append(
            AttentionItem(
                title="Data returns to submit",
                count=waiting.count(),
                href=reverse("indicators:returns-mine"),
                detail="Your agency's quarterly figures and the narrative behind them.",
                overdue=waiting.filter(due_date__lt=today).exists(),
            )
        )
    if holds_partnership_wide(user, APPROVE):
        items.append(
            AttentionItem(
                title="Data returns to review",
                count=AgencyReturn.objects.filter(status=Status.SUBMITTED).count(),
                href=reverse("indicators:returns"),
                detail="Agencies' submitted returns waiting to be accepted or sent back.",
            )
        )
    return items


# --- Services -----------------------------------------------------------------------------------------------


def _quarter(period_key: str) -> Period:
    try:
        return Period.parse(PeriodKind.QUARTER, period_key)
    except ValueError as exc:
        raise ValidationError(
            {"quarter": f"{period_key!r} is not a quarter: write it like 2022-23-q1"}
        ) from exc


@transaction.atomic
def returns_open(*, quarter_key: str, due_date: date, actor: Any) -> list[AgencyReturn]:
    """Open a draft return for the quarter for every active agency of a kind that owns an agency-return
    indicator. Idempotent: an agency that already has a return for the quarter keeps it as it is.
    Returns the returns opened now."""
    quarter = _quarter(quarter_key)
    if due_date <= quarter.last:
        raise ValidationError(
            {"due_date": f"The due date must be after the quarter ends ({quarter.last:%-d %B %Y})"}
        )
    have = AgencyReturn.objects.filter(period_key=quarter.key).values("agency_id")
    agencies = (
        Agency.objects.filter(active=True, kind__in=owner_kinds()).exclude(pk__in=have).order_by("name")
    )
    return [
        AgencyReturn.objects.create(agency=agency, period_key=quarter.key, due_date=due_date)
        for agency in agencies
    ]


def _whole_number(text: Any, title: str) -> tuple[int | None, str]:
    """(number, "") for a whole number of 0 or more, (None, "") for nothing entered, else (None, message)."""
    if text is None:
        return None, ""
    if isinstance(text, bool):
        return None, f"{title}: enter a whole number of 0 or more, like 42"
    if isinstance(text, int):
        number = text
    else:
        cleaned = str(text).strip().replace(",", "")
        if cleaned == "":
            return None, ""
        if not _WHOLE_NUMBER.match(cleaned):
            return None, f"{title}: enter a whole number of 0 or more, like 42"
        number = int(cleaned)
    if number < 0:
        return None, f"{title}: the number cannot be negative"
    return number, ""


@dataclass(frozen=True)
class _Entered:
    numerator: int | None
    denominator: int | None
    value: float | None


def _entered(line: ReturnLine, entry: FigureEntry, errors: dict[str, list[str]]) -> _Entered:
    """Check one figure as typed: whole numbers of 0 or more; for a percentage both parts, the numerator
    no more than the denominator, the value 100 x numerator / denominator to 1 decimal place."""
    title = line.version.title
    raw_numerator, raw_denominator = entry if isinstance(entry, tuple) else (entry, None)
    numerator, numerator_error = _whole_number(raw_numerator, title)
    if numerator_error:
        errors[f"{line.code}-numerator"] = [numerator_error]
    if not line.is_percent:
        return _Entered(numerator, None, None if numerator is None else float(numerator))
    denominator, denominator_error = _whole_number(raw_denominator, title)
    if denominator_error:
        errors[f"{line.code}-denominator"] = [denominator_error]
    if numerator_error or denominator_error:
        return _Entered(None, None, None)
    if (numerator is None) != (denominator is None):
        missing = "denominator" if denominator is None else "numerator"
        errors[f"{line.code}-{missing}"] = [f"{title}: enter both the numerator and the denominator"]
        return _Entered(None, None, None)
    if numerator is not None and denominator is not None and numerator > denominator:
        errors[f"{line.code}-numerator"] = [
            f"{title}: the numerator ({numerator}) cannot be more than the denominator ({denominator})"
        ]
        return _Entered(None, None, None)
    return _Entered(numerator, denominator, percentage(numerator, denominator))


def percentage(numerator: int | None, denominator: int | None) -> float | None:
    """100 x numerator / denominator to 1 decimal place; None when there is nothing to divide by."""
    if numerator is None or not denominator:
        return None
    return rounded(100 * numerator / denominator)


def _editable(agency_return: AgencyReturn) -> None:
    if agency_return.status not in EDITABLE:
        status = agency_return.get_status_display().lower()
        raise ValidationError(f"This return is {status}: its figures can no longer be changed")


@transaction.atomic
def return_save(
    *,
    agency_return: AgencyReturn,
    actor: Any,
    figures: Mapping[str, FigureEntry],
    narratives: Mapping[str, str] | None = None,
    narrative: str | None = None,
) -> AgencyReturn:
    """Save a draft or returned return's figures and narratives.

    Nothing is saved unless every figure is valid (a ValidationError keyed `<code>-numerator`,
    `<code>-denominator` says what is wrong). A figure's entered_by/entered_at change only when its numbers
    or narrative changed; its history keeps every earlier state.
    """
    agency_return = AgencyReturn.objects.select_for_update().get(pk=agency_return.pk)
    _editable(agency_return)
    lines = {line.code: line for line in return_lines(agency_return)}
    narratives = narratives or {}
    unknown = sorted((set(figures) | set(narratives)) - set(lines))
    if unknown:
        raise ValidationError(f"Not figures of this return: {', '.join(unknown)}")
    errors: dict[str, list[str]] = {}
    entered = {code: _entered(line, figures.get(code), errors) for code, line in lines.items()}
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    for code, line in lines.items():
        _figure_save(agency_return, line, entered[code], narratives.get(code, "").strip(), actor, now)
    if narrative is not None and narrative.strip() != agency_return.narrative:
        agency_return.narrative = narrative.strip()
        agency_return.save()
    return agency_return


def _figure_save(
    agency_return: AgencyReturn, line: ReturnLine, entered: _Entered, text: str, actor: Any, now: datetime
) -> None:
    figure = line.figure
    new = (entered.numerator, entered.denominator, entered.value, text)
    if figure is None:
        if entered.numerator is None and not text:
            return
        figure = AgencyReturnFigure(agency_return=agency_return, version=line.version)
    elif (figure.numerator, figure.denominator, figure.value, figure.narrative) == new:
        return
    figure.numerator, figure.denominator, figure.value, figure.narrative = new
    figure.entered_by = actor
    figure.entered_at = now
    figure.save()


@transaction.atomic
def return_submit(*, agency_return: AgencyReturn, actor: Any) -> AgencyReturn:
    """Submit a draft or returned return for review: every figure must have been entered."""
    agency_return = AgencyReturn.objects.select_for_update().get(pk=agency_return.pk)
    _editable(agency_return)
    missing = [line.version.title for line in return_lines(agency_return) if not line.is_entered]
    if missing:
        raise ValidationError(f"Enter every figure before submitting. Missing: {'; '.join(missing)}")
    agency_return.status = Status.SUBMITTED
    agency_return.submitted_by = actor
    agency_return.submitted_at = timezone.now()
    agency_return.save()
    return agency_return


def _submitted(agency_return: AgencyReturn) -> AgencyReturn:
    locked = (
        # Lock the return's row only: PostgreSQL refuses FOR UPDATE on the nullable side of the outer join
        # that reaches submitted_by.
        AgencyReturn.objects.select_for_update(of=("self",))
        .select_related("agency", "submitted_by")
        .get(pk=agency_return.pk)
    )
    if locked.status != Status.SUBMITTED:
        raise ValidationError(
            f"Only a submitted return can be reviewed; this one is {locked.get_status_display().lower()}"
        )
    return locked


@transaction.atomic
def return_send_back(*, agency_return: AgencyReturn, actor: Any, comment: str) -> AgencyReturn:
    """Return a submitted return to the agency with comments saying what to change (required)."""
    if not comment.strip():
        raise ValidationError({"comment": "Say what the agency should change before returning it"})
    agency_return = _submitted(agency_return)
    agency_return.status = Status.RETURNED
    agency_return.decided_by = actor
    agency_return.decided_at = timezone.now()
    agency_return.decision_comment = comment.strip()
    agency_return.save()
    return agency_return


@transaction.atomic
def return_accept(*, agency_return: AgencyReturn, actor: Any, comment: str = "") -> AgencyReturn:
    """Accept a submitted return and store its figures as indicator values with their narratives (and the
    combined rows it completes: the total across agencies, the financial year), in one transaction."""
    agency_return = _submitted(agency_return)
    now = timezone.now()
    agency_return.status = Status.ACCEPTED
    agency_return.decided_by = actor
    agency_return.decided_at = now
    agency_return.decision_comment = comment.strip()
    agency_return.save()
    for line in return_lines(agency_return):
        if line.figure is not None:
            _values_write(agency_return, line.figure, now)
    _narratives_write(agency_return, actor, now)
    return agency_return


def _person(user: Any) -> str:
    return getattr(user, "full_name", "") or str(user or "")


def _provenance(agency_return: AgencyReturn) -> dict[str, Any]:
    return {
        "agency_return": agency_return.pk,
        "agency": agency_return.agency.name,
        "submitted_by": _person(agency_return.submitted_by),
        "submitted_at": agency_return.submitted_at.isoformat() if agency_return.submitted_at else "",
        "accepted_by": _person(agency_return.decided_by),
        "accepted_at": agency_return.decided_at.isoformat() if agency_return.decided_at else "",
    }


def _owning_returns(version: IndicatorVersion, period_key: str) -> list[AgencyReturn]:
    """The returns of a quarter that carry this indicator (their agency's kind owns it)."""
    return list(
        AgencyReturn.objects.select_related("agency")
        .filter(period_key=period_key, agency__kind__in=version.owner_agency_kinds)
        .order_by("agency__name")
    )


def _accepted_figures(
    version: IndicatorVersion, returns: Iterable[AgencyReturn]
) -> list[AgencyReturnFigure] | None:
    """The figures of this indicator in the returns, or None unless every return is accepted with it."""
    returns = list(returns)
    if not returns or any(r.status != Status.ACCEPTED for r in returns):
        return None
    figures = list(
        AgencyReturnFigure.objects.filter(
            agency_return__in=returns, version__indicator_id=version.indicator_id, numerator__isnull=False
        )
    )
    return figures if len(figures) == len(returns) else None


def _value_row(
    agency_return: AgencyReturn,
    version: IndicatorVersion,
    period: Period,
    figures: list[AgencyReturnFigure],
    now: datetime,
    provenance: dict[str, Any],
    agency: Agency | None = None,
) -> IndicatorValue:
    """A stored value summing figures: counts add up; a percentage is the sum of the numerators over the sum
    of the denominators."""
    numerator = sum(f.numerator or 0 for f in figures)
    is_percent = version.unit == Unit.PERCENT
    denominator = sum(f.denominator or 0 for f in figures) if is_percent else None
    value = percentage(numerator, denominator) if is_percent else float(numerator)
    return IndicatorValue(
        agency_return=agency_return,
        version=version,
        **IndicatorValue.period_fields(period),
        breakdown={"agency": agency.code} if agency else {},
        breakdown_key=f"agency={agency.code}" if agency else "",
        breakdown_label=agency.name if agency else "",
        numerator=numerator,
        denominator=denominator,
        value=value,
        unit=version.unit,
        missing="" if value is not None else "No cases in the period (the denominator is 0)",
        computed_at=now,
        computed_from=provenance,
    )


def _values_write(agency_return: AgencyReturn, figure: AgencyReturnFigure, now: datetime) -> None:
    """The quarter's value for this agency, and the totals its acceptance completes (see the module's doc)."""
    version = figure.version
    quarter = Period.parse(PeriodKind.QUARTER, agency_return.period_key)
    year = Period.financial_year(financial_year_of(quarter.first))
    quarter_keys = [Period.quarter(year.first.year, n).key for n in range(1, 5)]
    provenance = _provenance(agency_return)
    owners = _owning_returns(version, quarter.key)
    several = len(owners) > 1
    agency = agency_return.agency if several else None
    rows = [_value_row(agency_return, version, quarter, [figure], now, provenance, agency)]
    # This agency's year, once its four quarters are accepted.
    own_quarters = AgencyReturn.objects.filter(agency=agency_return.agency, period_key__in=quarter_keys)
    own_figures = _accepted_figures(version, own_quarters) if own_quarters.count() == 4 else None
    if own_figures is not None:
        rows.append(
            _value_row(
                agency_return,
                version,
                year,
                own_figures,
                now,
                {**provenance, "quarters": quarter_keys},
                agency,
            )
        )
    if several:
        total = _accepted_figures(version, owners)
        if total is not None:
            rows.append(
                _value_row(agency_return, version, quarter, total, now, _sum_provenance(provenance, owners))
            )
        year_returns = list(
            AgencyReturn.objects.select_related("agency").filter(
                period_key__in=quarter_keys, agency__kind__in=version.owner_agency_kinds
            )
        )
        year_total = _accepted_figures(version, year_returns) if _complete_year(year_returns) else None
        if year_total is not None:
            rows.append(
                _value_row(
                    agency_return, version, year, year_total, now, _sum_provenance(provenance, year_returns)
                )
            )
    IndicatorValue.objects.bulk_create(rows)


def _complete_year(returns: list[AgencyReturn]) -> bool:
    """Every agency in the year's returns has a return for each of the four quarters."""
    by_agency: dict[int, set[str]] = {}
    for r in returns:
        by_agency.setdefault(r.agency_id, set()).add(r.period_key)
    return bool(by_agency) and all(len(keys) == 4 for keys in by_agency.values())


def _sum_provenance(provenance: dict[str, Any], returns: list[AgencyReturn]) -> dict[str, Any]:
    return {
        **provenance,
        "sum_of": [{"agency_return": r.pk, "agency": r.agency.name, "period": r.period_key} for r in returns],
    }


def _narratives_write(agency_return: AgencyReturn, actor: Any, now: datetime) -> None:
    """Each figure's narrative beside its indicator, and the return's narrative beside every indicator."""
    author = agency_return.submitted_by
    common = {
        "period_key": agency_return.period_key,
        "agency": agency_return.agency,
        "agency_return": agency_return,
        "written_by": author,
        "written_by_name": _person(author),
        "written_at": agency_return.submitted_at or now,
    }
    rows: list[IndicatorNarrative] = []
    for line in return_lines(agency_return):
        if line.figure is None:
            continue
        texts = [line.figure.narrative, agency_return.narrative]
        rows.extend(
            IndicatorNarrative(indicator=line.version.indicator, text=text, **common)
            for text in texts
            if text
        )
    IndicatorNarrative.objects.bulk_create(rows)


# --- Reminders ----------------------------------------------------------------------------------------------


def reminder_days() -> int:
    return int(getattr(settings, "DATA_RETURN_REMINDER_DAYS", DEFAULT_REMINDER_DAYS))


def return_recipients(agency: Agency) -> list[str]:
    """The email addresses of the agency's people whose current role lets them submit its data return."""
    roles = [code for code, role in ROLES.items() if any(g.permission == SUBMIT for g in role.grants)]
    emails = (
        Membership.objects.current()
        .filter(agency=agency, role__in=roles)
        .values_list("user__email", flat=True)
        .distinct()
    )
    return sorted(e for e in emails if e)


def _reminder_due(agency_return: AgencyReturn, today: date) -> bool:
    """Once when the due date is within the reminder days, and once more when it has passed."""
    sent = agency_return.reminder_sent_at
    if agency_return.due_date < today:
        return sent is None or timezone.localdate(sent) <= agency_return.due_date
    return sent is None and agency_return.due_date - timedelta(days=reminder_days()) <= today


def returns_remind(now: datetime | None = None) -> list[AgencyReturn]:
    """Email the agencies' leads about returns not yet submitted that are due soon or overdue, at most once
    before the due date and once after it, and record when (`now`, by default the time it runs; its London
    date is the day the rule reads). Returns the returns reminded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = today + timedelta(days=reminder_days())
    candidates = AgencyReturn.objects.select_related("agency").filter(
        status__in=EDITABLE, due_date__lte=horizon
    )
    reminded = []
    for agency_return in candidates.order_by("due_date", "agency__name"):
        if _reminder_due(agency_return, today) and _reminder_send(agency_return, now):
            reminded.append(agency_return)
    return reminded


def _reminder_send(agency_return: AgencyReturn, now: datetime) -> bool:
    recipients = return_recipients(agency_return.agency)
    if not recipients:
        return False
    overdue = agency_return.due_date < timezone.localdate(now)
    quarter = Period.parse(PeriodKind.QUARTER, agency_return.period_key)
    path = reverse("indicators:return-edit", args=[agency_return.pk])
    context = {
        "agency_return": agency_return,
        "quarter": quarter.label,
        "overdue": overdue,
        "link": site_link(path),
        "partnership_name": settings.PARTNERSHIP_NAME,
    }
    subject = "overdue" if overdue else f"due on {agency_return.due_date:%-d %B %Y}"
    sent = send_mail(
        subject=f"{agency_return.agency.name}: data return for {quarter.label} {subject}",
        message=render_to_string("indicators/email/return_reminder.txt", context),
        from_email=None,
        recipient_list=recipients,
        fail_silently=True,
    )
    if not sent:
        return False
    with transaction.atomic():
        AgencyReturn.objects.filter(pk=agency_return.pk).update(reminder_sent_at=now)
    return True


def year_label_of(period_key: str) -> str:
    """The financial year a quarter key falls in: "2022-23-q1" -> "2022-23"."""
    return financial_year_label(financial_year_of(Period.parse(PeriodKind.QUARTER, period_key).first))
