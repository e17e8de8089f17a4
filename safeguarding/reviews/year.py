"""The case reviews year in numbers (issue 6, section 6): what happened to case reviews in one financial year,
counted from the records, and the same numbers worded the way the partnership's annual report words them.

Counting, for a financial year (1 April to 31 March) and only the reviews the person may see:

- referrals considered: reviews the partnership became aware of in the year (aware_date), by type;
- rapid reviews held: rapid review meetings in the year; notified to the Panel: notification_date in the year;
- decisions on a local review: executive decisions made in the year (decided_on), and how many of them were
  made after their decision clock's due date (selectors.review_decision_clock);
- local reviews (decision "local review"): started (terms_agreed_on), completed (the final report milestone
  done), published (published_on), each in the year;
- alternative reviews: executive decisions in the year for a thematic, tabletop, single-agency or learning
  review, by type;
- reviews paused: pauses that overlap the year, by reason, with the calendar days lost within the year
  (a pause runs from the day it paused up to, not including, the day it resumed, as
  ReviewPause.days_lost counts);
- recommendations agreed in the year (agreed_on); open at the year's end: agreed by then and not every one of
  its actions closed by then (a recommendation with no actions yet is open);
- actions of the case review recommendations (the shared tracker's source "review_recommendation"): the
  actions of every recommendation agreed by the year's end; completed in the year (status complete,
  closed in the year); overdue at the year's end (due before its last day and not closed by the end of it);
- action plans completed: reviews whose actions are all closed, the last of them closed in the year;
- themes: recommendations agreed in the year, per theme (actions.models.THEMES).

"The year's end" is 31 March; for the year still running it is today, and the words say "so far".

Reports write numbers as numerals ("4 cases were referred", "1 of these") and a zero as "no" ("No children's
reviews were completed or published."): Walsall Safeguarding Partnership annual reports 2021-22 and 2022-23
(seeds 000 and 003), "Learning from Case Reviews".
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count as CountOf
from django.db.models import Max, Min, Q
from django.utils import timezone

from safeguarding.actions.models import THEMES, Action
from safeguarding.frontdoor.measures import Period, PeriodKind, financial_year_label, financial_year_of
from safeguarding.reviews.models import (
    CaseReview,
    Decision,
    MilestoneStage,
    RapidReview,
    Recommendation,
    ReviewPause,
)
from safeguarding.reviews.selectors import review_decision_clock, reviews_visible_to

# The shape of a financial year in a URL or a query: "2022-23". ASCII digits only ([0-9], not \d, which
# would also match other scripts' digits).
YEAR_PATTERN = r"^[0-9]{4}-[0-9]{2}$"
_YEAR_SHAPE = re.compile(YEAR_PATTERN)
# The earliest year anyone may ask for: well before the statutory partnerships of 2019, so every record fits.
FIRST_YEAR = 2000

ALTERNATIVE_DECISIONS: tuple[str, ...] = (
    Decision.THEMATIC,
    Decision.TABLETOP,
    Decision.SINGLE_AGENCY,
    Decision.LEARNING_REVIEW,
)


class YearError(ValueError):
    """A year that is not one this page can count, with a message for the person who typed it."""


def financial_year_period(text: str, *, today: date | None = None) -> Period:
    """The financial year that "2022-23" names; YearError for anything else, or a year not yet begun."""
    today = today or timezone.localdate()
    text = (text or "").strip()
    if not _YEAR_SHAPE.match(text):
        raise YearError("Enter a financial year as 4 digits, a hyphen and 2 digits, like 2022-23")
    try:
        period = Period.parse(PeriodKind.FINANCIAL_YEAR, text)
    except ValueError as wrong:
        start = int(text[:4])
        raise YearError(
            f"{text} is not a financial year: a financial year ends in the year after it starts, "
            f"like {financial_year_label(start)}"
        ) from wrong
    if period.first.year < FIRST_YEAR:
        raise YearError(f"Choose a financial year from {financial_year_label(FIRST_YEAR)} onwards")
    if period.first > today:
        current = financial_year_label(financial_year_of(today))
        raise YearError(f"{text} has not started yet: choose {current} or an earlier year")
    return period


# --- The numbers --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    """One labelled count: a type of referral, an alternative review, a theme."""

    code: str
    label: str
    count: int


@dataclass(frozen=True)
class PauseCount:
    """The reviews paused for one reason during the year, and the calendar days they lost within it."""

    reason: str
    label: str
    reviews: int
    days_lost: int


@dataclass(frozen=True)
class ReviewYear:
    year: str  # "2022-23"
    first_day: date
    last_day: date
    as_of: date  # "the year's end": its last day, or today while the year is running
    complete: bool  # the year is over
    referrals: int
    referrals_by_kind: tuple[Count, ...]
    rapid_reviews: int
    notified: int
    decisions: int
    decisions_late: int
    local_reviews_started: int
    local_reviews_completed: int
    local_reviews_published: int
    alternative_reviews: int
    alternative_reviews_by_type: tuple[Count, ...]
    reviews_paused: int
    pauses_by_reason: tuple[PauseCount, ...]
    days_lost: int
    recommendations_agreed: int
    recommendations_open: int
    actions_total: int
    actions_completed: int
    actions_overdue: int
    action_plans_completed: int
    themes: tuple[Count, ...]

    @property
    def prose(self) -> list[str]:
        """The paragraphs of the annual report's words for these numbers."""
        return list(year_prose(self).values())

    @property
    def themes_by_count(self) -> list[Count]:
        """The themes with at least one recommendation, most first (ties in THEMES order)."""
        return sorted((theme for theme in self.themes if theme.count), key=lambda theme: -theme.count)


def _in(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.first, f"{field}__lte": period.last})


def _closed_by(action: Action, day: date) -> bool:
    return action.closed_at is not None and timezone.localdate(action.closed_at) <= day


def review_year(user: Any, period: Period, *, today: date | None = None) -> ReviewYear:
    """The year in numbers for the reviews `user` may see (review.view)."""
    today = today or timezone.localdate()
    as_of = min(today, period.last)
    reviews = reviews_visible_to(user)

    referred = reviews.filter(_in("aware_date", period))
    kind_counts = dict(referred.values_list("kind").annotate(n=CountOf("pk")).values_list("kind", "n"))
    referrals_by_kind = tuple(
        Count(kind.value, str(kind.label), kind_counts.get(kind.value, 0)) for kind in CaseReview.Kind
    )

    local = reviews.filter(decision=Decision.LOCAL_REVIEW)
    completed_ids = local.filter(
        milestones__stage=MilestoneStage.FINAL_REPORT,
        milestones__done_on__gte=period.first,
        milestones__done_on__lte=period.last,
    ).values("pk")

    alternatives = reviews.filter(_in("decided_on", period), decision__in=ALTERNATIVE_DECISIONS)
    decision_counts = dict(
        alternatives.values_list("decision").annotate(n=CountOf("pk")).values_list("decision", "n")
    )
    alternatives_by_type = tuple(
        Count(code, _ALTERNATIVE_WORDS[code][0].capitalize(), decision_counts.get(code, 0))
        for code in ALTERNATIVE_DECISIONS
    )

    decided = list(reviews.filter(_in("decided_on", period)).exclude(decision=""))
    decisions_late = sum(1 for review in decided if _decided_late(review))
    pauses = _pauses_in(reviews, period, today)
    recommendations = _recommendations(reviews, period, as_of)

    return ReviewYear(
        year=period.key,
        first_day=period.first,
        last_day=period.last,
        as_of=as_of,
        complete=today > period.last,
        referrals=referred.count(),
        referrals_by_kind=referrals_by_kind,
        rapid_reviews=RapidReview.objects.filter(review__in=reviews)
        .filter(_in("meeting_date", period))
        .count(),
        notified=reviews.filter(_in("notification_date", period)).count(),
        decisions=len(decided),
        decisions_late=decisions_late,
        local_reviews_started=local.filter(_in("terms_agreed_on", period)).count(),
        local_reviews_completed=local.filter(pk__in=completed_ids).count(),
        local_reviews_published=local.filter(_in("published_on", period)).count(),
        alternative_reviews=sum(count.count for count in alternatives_by_type),
        alternative_reviews_by_type=alternatives_by_type,
        reviews_paused=pauses.reviews,
        pauses_by_reason=pauses.by_reason,
        days_lost=pauses.days_lost,
        recommendations_agreed=recommendations.agreed,
        recommendations_open=recommendations.open,
        actions_total=recommendations.actions_total,
        actions_completed=recommendations.actions_completed,
        actions_overdue=recommendations.actions_overdue,
        action_plans_completed=recommendations.plans_completed,
        themes=recommendations.themes,
    )


def _decided_late(review: CaseReview) -> bool:
    clock = review_decision_clock(review)
    return clock is not None and clock.done_on is not None and clock.done_on > clock.due


@dataclass(frozen=True)
class _Pauses:
    reviews: int
    by_reason: tuple[PauseCount, ...]
    days_lost: int


def _pauses_in(reviews: Any, period: Period, today: date) -> _Pauses:
    """Pauses overlapping the year: begun by its last day, and not resumed by its first (a pause resumed on
    1 April lost nothing in the year that starts that day)."""
    after_last = period.last + timedelta(days=1)
    pauses = ReviewPause.objects.filter(review__in=reviews, paused_on__lte=period.last).filter(
        Q(resumed_on__isnull=True) | Q(resumed_on__gt=period.first)
    )
    reviews_by_reason: dict[str, set[int]] = defaultdict(set)
    days_by_reason: Counter[str] = Counter()
    for pause in pauses:
        start = max(pause.paused_on, period.first)
        end = min(pause.resumed_on or today, after_last)
        reviews_by_reason[pause.reason].add(pause.review_id)
        days_by_reason[pause.reason] += max(0, (end - start).days)
    by_reason = tuple(
        PauseCount(
            reason.value,
            str(reason.label),
            len(reviews_by_reason[reason.value]),
            days_by_reason[reason.value],
        )
        for reason in ReviewPause.Reason
    )
    paused = set().union(*reviews_by_reason.values()) if reviews_by_reason else set()
    return _Pauses(len(paused), by_reason, sum(days_by_reason.values()))


@dataclass(frozen=True)
class _Recommendations:
    agreed: int
    open: int
    actions_total: int
    actions_completed: int
    actions_overdue: int
    plans_completed: int
    themes: tuple[Count, ...]


def _recommendations(reviews: Any, period: Period, as_of: date) -> _Recommendations:
    """Recommendations and their actions in the shared tracker (matched by source_ref "W14/R2").

    Actions are counted through the reviews the person may see, not through the tracker's own (agency) scope:
    these are the partnership's totals, as the annual report gives them.
    """
    recommendations = list(
        Recommendation.objects.filter(review__in=reviews).values(
            "review_id", "review__code", "number", "agreed_on", "themes"
        )
    )
    ref_of = {
        (rec["review_id"], rec["number"]): f"{rec['review__code']}/R{rec['number']}"
        for rec in recommendations
    }
    review_of_ref = {ref: review_id for (review_id, _), ref in ref_of.items()}
    actions = list(
        Action.objects.filter(
            source_kind=Action.SourceKind.REVIEW_RECOMMENDATION, source_ref__in=list(review_of_ref)
        ).only("source_ref", "status", "due_date", "closed_at")
    )
    actions_of: dict[str, list[Action]] = defaultdict(list)
    for action in actions:
        actions_of[action.source_ref].append(action)

    agreed_in_year = [rec for rec in recommendations if period.first <= rec["agreed_on"] <= period.last]
    standing = [rec for rec in recommendations if rec["agreed_on"] <= as_of]
    open_count = 0
    year_actions: list[Action] = []
    for rec in standing:
        its_actions = actions_of[ref_of[(rec["review_id"], rec["number"])]]
        year_actions.extend(its_actions)
        if not its_actions or not all(_closed_by(action, as_of) for action in its_actions):
            open_count += 1

    completed = [
        action
        for action in year_actions
        if action.status == Action.Status.COMPLETE
        and action.closed_at is not None
        and period.first <= timezone.localdate(action.closed_at) <= period.last
    ]
    overdue = [action for action in year_actions if action.due_date < as_of and not _closed_by(action, as_of)]

    plans: dict[int, list[Action]] = defaultdict(list)
    for action in actions:
        plans[review_of_ref[action.source_ref]].append(action)
    plans_completed = 0
    for plan in plans.values():
        closes = [action.closed_at for action in plan]
        if all(closes):
            last = timezone.localdate(max(close for close in closes if close is not None))
            plans_completed += period.first <= last <= period.last

    theme_counts: Counter[str] = Counter(code for rec in agreed_in_year for code in set(rec["themes"]))
    themes = tuple(Count(code, label, theme_counts.get(code, 0)) for code, label in THEMES.items())
    return _Recommendations(
        agreed=len(agreed_in_year),
        open=open_count,
        actions_total=len(year_actions),
        actions_completed=len(completed),
        actions_overdue=len(overdue),
        plans_completed=plans_completed,
        themes=themes,
    )


# --- Which years --------------------------------------------------------------------------------------------


def _latest_day_with_data(user: Any) -> date | None:
    reviews = reviews_visible_to(user)
    found = reviews.aggregate(
        aware=Max("aware_date"),
        decided=Max("decided_on"),
        started=Max("terms_agreed_on"),
        published=Max("published_on"),
    )
    found["agreed"] = Recommendation.objects.filter(review__in=reviews).aggregate(last=Max("agreed_on"))[
        "last"
    ]
    days = [day for day in found.values() if day is not None]
    return max(days, default=None)


def latest_year_with_data(user: Any, *, today: date | None = None) -> Period:
    """The latest financial year in which anything was recorded about a review the user may see, or the
    current year when there is nothing (never a year not yet begun)."""
    today = today or timezone.localdate()
    latest = _latest_day_with_data(user)
    day = min(latest, today) if latest is not None else today
    return Period.financial_year(max(financial_year_of(day), FIRST_YEAR))


def years_to_choose(user: Any, *, today: date | None = None) -> list[Period]:
    """Every financial year from the first with a review the user may see to the current one, latest first."""
    today = today or timezone.localdate()
    current = financial_year_of(today)
    earliest = reviews_visible_to(user).aggregate(first=Min("aware_date"))["first"]
    first = financial_year_of(earliest) if earliest is not None else current
    first = min(max(first, FIRST_YEAR), current)
    return [Period.financial_year(year) for year in range(current, first - 1, -1)]


# --- The words ----------------------------------------------------------------------------------------------

# How the report names each type of referral: (one, many).
_KIND_WORDS: dict[str, tuple[str, str]] = {
    CaseReview.Kind.NOTIFIABLE_INCIDENT: (
        "serious child safeguarding incident",
        "serious child safeguarding incidents",
    ),
    CaseReview.Kind.NON_NOTIFIABLE: ("non-notifiable serious case", "non-notifiable serious cases"),
    CaseReview.Kind.SAR_REFERRAL: (
        "safeguarding adult review referral",
        "safeguarding adult review referrals",
    ),
    CaseReview.Kind.DHR_NOTIFICATION: (
        "domestic homicide review notification",
        "domestic homicide review notifications",
    ),
}
_ALTERNATIVE_WORDS: dict[str, tuple[str, str]] = {
    Decision.THEMATIC: ("thematic review", "thematic reviews"),
    Decision.TABLETOP: ("tabletop review", "tabletop reviews"),
    Decision.SINGLE_AGENCY: ("single-agency review", "single-agency reviews"),
    Decision.LEARNING_REVIEW: ("learning review", "learning reviews"),
}
# Why reviews were paused, after "1 review was paused during the year ...": (one review, several).
_PAUSE_WORDS: dict[str, tuple[str, str]] = {
    ReviewPause.Reason.CRIMINAL_PROCEEDINGS: ("for criminal proceedings", "for criminal proceedings"),
    ReviewPause.Reason.CORONERS_INQUEST: ("for a coroner's inquest", "for coroners' inquests"),
    ReviewPause.Reason.EXPERT_ADVICE: ("awaiting expert advice", "awaiting expert advice"),
    ReviewPause.Reason.OTHER: ("for another reason", "for other reasons"),
}


def number(count: int) -> str:
    """A number as the reports write it: numerals, with a comma in the thousands."""
    return f"{count:,}"


def counted(count: int, one: str, many: str | None = None) -> str:
    """ "1 case", "4 cases"."""
    return f"{number(count)} {one if count == 1 else (many or one + 's')}"


def was(count: int) -> str:
    return "was" if count == 1 else "were"


def joined(items: Iterable[str], conjunction: str = "and") -> str:
    """ "a", "a and b", "a, b and c"."""
    words = list(items)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def _long_year(summary: ReviewYear) -> str:
    """The year as the report's "Within the year 2021-2022" writes it."""
    return f"{summary.first_day.year}-{summary.last_day.year}"


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _kinds(counts: Iterable[Count], words: dict[str, tuple[str, str]]) -> list[str]:
    return [counted(c.count, *words[c.code]) for c in counts if c.count]


def _referrals_paragraph(summary: ReviewYear) -> str:
    so_far = "" if summary.complete else " so far"
    within = f"Within the year {_long_year(summary)}{so_far}"
    n = summary.referrals
    if not (n or summary.rapid_reviews or summary.notified or summary.decisions):
        return (
            f"{within}, no cases were referred for consideration of a review, heard at rapid review or "
            "notified to the National Panel and Ofsted."
        )
    if n == 0:
        sentences = [f"{within}, no cases were referred for consideration of a review."]
    else:
        kinds = [c for c in summary.referrals_by_kind if c.count]
        first = f"{within}, {counted(n, 'case')} {was(n)} referred for consideration of a review"
        if len(kinds) == 1 and n == 1:
            first += f": a {_KIND_WORDS[kinds[0].code][0]}"
        elif len(kinds) == 1:
            first += f", all of them {_KIND_WORDS[kinds[0].code][1]}"
        else:
            first += ": " + joined(_kinds(kinds, _KIND_WORDS))
        sentences = [first + "."]
    rapid = summary.rapid_reviews
    sentences.append(
        f"{counted(rapid, 'case')} {was(rapid)} heard at rapid review."
        if rapid
        else "No cases were heard at rapid review."
    )
    notified = summary.notified
    if notified == 1:
        sentences.append(
            "1 case was notified to the National Panel and Ofsted as a serious child safeguarding incident."
        )
    elif notified:
        sentences.append(
            f"{counted(notified, 'case')} were notified to the National Panel and Ofsted as serious child "
            "safeguarding incidents."
        )
    else:
        sentences.append("No cases were notified to the National Panel and Ofsted.")
    decided, late = summary.decisions, summary.decisions_late
    if decided:
        timing = (
            "all of them within their timescales"
            if not late
            else f"{number(late)} of them later than {'its timescale' if late == 1 else 'their timescales'}"
        )
        if decided == 1:
            timing = "within its timescale" if not late else "later than its timescale"
        sentences.append(
            f"The partnership decided whether to hold a review for {counted(decided, 'case')}, {timing}."
        )
    return " ".join(sentences)


def _reviews_paragraph(summary: ReviewYear) -> str:
    stages = [
        ("started", summary.local_reviews_started),
        ("completed", summary.local_reviews_completed),
        ("published", summary.local_reviews_published),
    ]
    done = [(stage, n) for stage, n in stages if n]
    none = [stage for stage, n in stages if not n]
    sentences = []
    if done:
        (stage, n), rest = done[0], done[1:]
        clauses = [f"{counted(n, 'local review')} {was(n)} {stage}"]
        clauses += [f"{number(n)} {was(n)} {stage}" for stage, n in rest]
        sentences.append(f"During the year, {joined(clauses)}.")
        if none:
            sentences.append(f"No local reviews were {joined(none, 'or')}.")
    else:
        sentences.append(f"During the year, no local reviews were {joined(none, 'or')}.")
    n = summary.alternative_reviews
    if n == 0:
        sentences.append("There were no alternative reviews.")
    else:
        types = [c for c in summary.alternative_reviews_by_type if c.count]
        lead = f"There {was(n)} {counted(n, 'alternative review')}"
        if n == 1:
            sentences.append(f"{lead}: a {_ALTERNATIVE_WORDS[types[0].code][0]}.")
        elif len(types) == 1:
            sentences.append(f"{lead}, all of them {_ALTERNATIVE_WORDS[types[0].code][1]}.")
        else:
            sentences.append(f"{lead}: {joined(_kinds(types, _ALTERNATIVE_WORDS))}.")
    return " ".join(sentences)


def _days(count: int) -> str:
    return counted(count, "day")


def _pauses_paragraph(summary: ReviewYear) -> str:
    n = summary.reviews_paused
    if n == 0:
        return "No reviews were paused during the year."
    reasons = [reason for reason in summary.pauses_by_reason if reason.reviews]
    lead = f"{counted(n, 'review')} {was(n)} paused during the year"
    if len(reasons) == 1 and reasons[0].reviews == n:
        why = _PAUSE_WORDS[reasons[0].reason][0 if n == 1 else 1]
        lost = f", losing {_days(summary.days_lost)} within the year" if summary.days_lost else ""
        return f"{lead} {why}{lost}."
    parts = []
    for reason in reasons:
        why = _PAUSE_WORDS[reason.reason][0 if reason.reviews == 1 else 1]
        lost = f" ({_days(reason.days_lost)})" if reason.days_lost else ""
        parts.append(f"{number(reason.reviews)} {why}{lost}")
    lost = f", losing {_days(summary.days_lost)} within the year in all" if summary.days_lost else ""
    return f"{lead}{lost}: {joined(parts)}."


def _recommendations_paragraph(summary: ReviewYear) -> str:
    at = f"At {_day(summary.as_of)}"
    agreed = summary.recommendations_agreed
    sentences = [
        f"{counted(agreed, 'recommendation')} {was(agreed)} agreed in the year."
        if agreed
        else "No recommendations were agreed in the year."
    ]
    still_open = summary.recommendations_open
    sentences.append(
        f"{at}, {counted(still_open, 'recommendation')} {was(still_open)} open."
        if still_open
        else f"{at}, no recommendations were open."
    )
    total = summary.actions_total
    if total:
        done, late = summary.actions_completed, summary.actions_overdue
        completed = (
            f"{number(done)} {was(done)} completed in the year" if done else "none was completed in the year"
        )
        overdue = f"{number(late)} {was(late)} overdue" if late else "none was overdue"
        sentences.append(
            f"The recommendations agreed by then had {counted(total, 'action')}: {completed} and {overdue}."
        )
    elif agreed or still_open:
        sentences.append("No actions had been set for them by then.")
    plans = summary.action_plans_completed
    sentences.append(
        f"{counted(plans, 'action plan')} from case reviews {was(plans)} completed within the year."
        if plans
        else "No case review action plans were completed within the year."
    )
    return " ".join(sentences)


def _themes_paragraph(summary: ReviewYear) -> str:
    themes = summary.themes_by_count
    if not themes:
        return ""
    parts = [f"{number(theme.count)} concerned {_theme_words(theme)}" for theme in themes]
    return f"Of the recommendations agreed in the year, {joined(parts)}."


def _theme_words(theme: Count) -> str:
    if theme.code == "other":
        return "other themes"
    return theme.label[0].lower() + theme.label[1:]


def year_prose(summary: ReviewYear) -> dict[str, str]:
    """The report's paragraphs for the year, by section: referrals, reviews, pauses, recommendations, themes
    (themes only when a recommendation agreed in the year has one)."""
    paragraphs = {
        "referrals": _referrals_paragraph(summary),
        "reviews": _reviews_paragraph(summary),
        "pauses": _pauses_paragraph(summary),
        "recommendations": _recommendations_paragraph(summary),
        "themes": _themes_paragraph(summary),
    }
    return {section: text for section, text in paragraphs.items() if text}
