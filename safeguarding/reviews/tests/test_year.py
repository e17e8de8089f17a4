"""The case reviews year in numbers (issue 6, section 6): the counts at the year's edges (31 March and
1 April), the annual report's words for them, the API and the page.

The reviews are built through the reviews services. Two things are set with the ORM because no service can
put them in the past: the day an action was closed (action_close stamps now) and, with it, the action's
status (action_update_add sets it; closing needs evidence files, which these counts do not look at).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from safeguarding.actions.models import Action
from safeguarding.actions.services import action_update_add
from safeguarding.api.tests.helpers import api_get, token_for
from safeguarding.core.testing import Personas, make_user
from safeguarding.frontdoor.measures import Period
from safeguarding.reviews import services
from safeguarding.reviews.models import CaseReview, Decision, MilestoneStage, Recommendation, ReviewPause
from safeguarding.reviews.year import (
    Count,
    PauseCount,
    ReviewYear,
    YearError,
    financial_year_period,
    latest_year_with_data,
    review_year,
    year_prose,
    years_to_choose,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
Y2022 = Period.financial_year(2022)  # 1 April 2022 to 31 March 2023
API = "/api/v1/reviews/summary"


# --- The cast of reviews ------------------------------------------------------------------------------------


def _refer(personas: Personas, code: str, kind: str, aware: date) -> CaseReview:
    adult = kind in (CaseReview.Kind.SAR_REFERRAL, CaseReview.Kind.DHR_NOTIFICATION)
    return services.review_refer(
        actor=personas.bu_officer,
        code=code,
        kind=kind,
        subject_type=CaseReview.SubjectType.ADULT if adult else CaseReview.SubjectType.CHILD,
        aware_date=aware,
        referred_by_agency=personas.agency_a,
    )


def _rapid(personas: Personas, review: CaseReview, meeting: date, recommendation: str) -> None:
    services.rapid_review_record(
        actor=personas.bu_officer,
        review=review,
        meeting_date=meeting,
        attending_agencies=[personas.agency_a],
        immediate_actions="Safety plan agreed.",
        learning_identified="Information was not shared.",
        recommendation=recommendation,
    )


def _decide(personas: Personas, review: CaseReview, decision: str, on: date) -> None:
    services.review_decision_record(
        actor=personas.bu_officer,
        review=review,
        decision=decision,
        decided_by="Executive group",
        decided_on=on,
    )


def _start(personas: Personas, review: CaseReview, on: date) -> None:
    services.review_start(
        actor=personas.bu_officer, review=review, terms_of_reference="Scope agreed.", terms_agreed_on=on
    )


def _final_report(personas: Personas, review: CaseReview, on: date) -> None:
    services.review_milestone_record(
        actor=personas.bu_officer, review=review, stage=MilestoneStage.FINAL_REPORT, done_on=on
    )


def _pause(
    personas: Personas, review: CaseReview, reason: str, on: date, resumed: date | None = None
) -> None:
    services.review_pause(actor=personas.bu_officer, review=review, reason=reason, paused_on=on)
    if resumed is not None:
        services.review_resume(actor=personas.bu_officer, review=review, resumed_on=resumed)


def _recommend(personas: Personas, review: CaseReview, agreed: date, themes: list[str]) -> Recommendation:
    return services.recommendation_add(
        review=review, actor=personas.bu_officer, text="Do better.", themes=themes, agreed_on=agreed
    )


def _action(
    personas: Personas,
    recommendation: Recommendation,
    due: date,
    *,
    status: str = "",
    closed_at: datetime | None = None,
) -> Action:
    action = services.recommendation_action_add(
        recommendation=recommendation,
        actor=personas.bu_officer,
        title="Brief every team",
        owner_agency=personas.agency_a,
        due_date=due,
    )
    if status:
        action_update_add(action=action, actor=personas.a_worker, text="Done.", status=status)
    if closed_at is not None:
        Action.objects.filter(pk=action.pk).update(closed_at=closed_at, closed_by=personas.bu_officer)
    return action


def _london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def _build(personas: Personas) -> dict[str, CaseReview]:
    """Seven reviews with their dates either side of 1 April 2022 and 31 March 2023 (see the expected counts
    in test_counts_at_the_years_edges)."""
    kind = CaseReview.Kind
    # W1: aware the day before the year; notified on its first day; rapid review, decision, start in it;
    # paused twice; final report on its last day; published the day after it ends.
    w1 = _refer(personas, "W1", kind.NOTIFIABLE_INCIDENT, date(2022, 3, 31))
    services.review_notification_record(
        actor=personas.bu_officer, review=w1, notification_date=date(2022, 4, 1)
    )
    _rapid(personas, w1, date(2022, 4, 21), Decision.LOCAL_REVIEW)
    _decide(personas, w1, Decision.LOCAL_REVIEW, date(2022, 5, 5))
    _start(personas, w1, date(2022, 6, 1))
    _pause(
        personas, w1, ReviewPause.Reason.CRIMINAL_PROCEEDINGS, date(2022, 7, 1), date(2022, 7, 11)
    )  # 10 days
    _pause(personas, w1, ReviewPause.Reason.EXPERT_ADVICE, date(2023, 3, 1), date(2023, 3, 20))  # 19 days
    _final_report(personas, w1, date(2023, 3, 31))
    services.review_publish(actor=personas.bu_officer, review=w1, published_on=date(2023, 4, 1))
    # W2: aware on the year's first day; rapid review on its last; no local review.
    w2 = _refer(personas, "W2", kind.NOTIFIABLE_INCIDENT, date(2022, 4, 1))
    services.review_notification_record(
        actor=personas.bu_officer, review=w2, notification_date=date(2022, 4, 6)
    )
    _rapid(personas, w2, date(2023, 3, 31), Decision.NO_LOCAL_REVIEW)
    _decide(personas, w2, Decision.NO_LOCAL_REVIEW, date(2023, 3, 31))
    # W3: a SAR referral on the last day, decided the same day on a thematic review.
    w3 = _refer(personas, "W3", kind.SAR_REFERRAL, date(2023, 3, 31))
    _decide(personas, w3, Decision.THEMATIC, date(2023, 3, 31))
    # W4: a DHR notification in January; its rapid review and tabletop decision fall in the next year.
    w4 = _refer(personas, "W4", kind.DHR_NOTIFICATION, date(2023, 1, 10))
    _rapid(personas, w4, date(2023, 4, 1), Decision.TABLETOP)
    _decide(personas, w4, Decision.TABLETOP, date(2023, 4, 1))
    # W5: from 2021-22: started and final report on 31 March 2022, paused for a coroner's inquest until
    # 1 April 2022 (so nothing lost in 2022-23), published on 1 April 2022.
    w5 = _refer(personas, "W5", kind.NON_NOTIFIABLE, date(2021, 4, 1))
    _decide(personas, w5, Decision.LOCAL_REVIEW, date(2021, 6, 1))
    _pause(personas, w5, ReviewPause.Reason.CORONERS_INQUEST, date(2022, 3, 1))
    _start(personas, w5, date(2022, 3, 31))
    _final_report(personas, w5, date(2022, 3, 31))
    services.review_resume(actor=personas.bu_officer, review=w5, resumed_on=date(2022, 4, 1))
    services.review_publish(actor=personas.bu_officer, review=w5, published_on=date(2022, 4, 1))
    # W6: started in 2021-22, paused for criminal proceedings since February 2022 and still paused.
    w6 = _refer(personas, "W6", kind.NOTIFIABLE_INCIDENT, date(2021, 2, 1))
    services.review_notification_record(
        actor=personas.bu_officer, review=w6, notification_date=date(2021, 2, 5)
    )
    _decide(personas, w6, Decision.LOCAL_REVIEW, date(2021, 3, 1))
    _start(personas, w6, date(2021, 4, 1))
    _pause(personas, w6, ReviewPause.Reason.CRIMINAL_PROCEEDINGS, date(2022, 2, 1))
    # W7: an old review whose action plan was finished in January 2023.
    w7 = _refer(personas, "W7", kind.NON_NOTIFIABLE, date(2020, 1, 1))

    # Recommendations: agreed on the year's last day, the day after, its first day, and the day before.
    w1_r1 = _recommend(personas, w1, date(2023, 3, 31), ["neglect", "think_family"])
    w1_r2 = _recommend(personas, w1, date(2023, 4, 1), ["neglect"])
    w5_r1 = _recommend(personas, w5, date(2022, 4, 1), ["information_sharing"])
    w6_r1 = _recommend(personas, w6, date(2022, 3, 31), ["neglect"])
    w7_r1 = _recommend(personas, w7, date(2020, 2, 1), [])

    complete = Action.Status.COMPLETE
    _action(personas, w1_r1, date(2023, 6, 1))  # E: open, not yet due
    _action(personas, w1_r2, date(2023, 1, 1))  # H: its recommendation was agreed after the year
    _action(personas, w5_r1, date(2023, 3, 30))  # C: due the day before the last: overdue
    _action(personas, w5_r1, date(2023, 3, 31))  # D: due on the last day: not overdue yet
    # A: closed at 23:30 on 31 March 2023 (London summer time: 22:30 UTC), inside the year.
    _action(personas, w6_r1, date(2022, 9, 1), status=complete, closed_at=_london(2023, 3, 31, 23, 30))
    # B: closed at 00:30 on 1 April 2023 in London (still 31 March in UTC): after the year, so overdue at it.
    _action(personas, w6_r1, date(2022, 10, 1), status=complete, closed_at=_london(2023, 4, 1, 0, 30))
    # W7's plan: F (not achievable) closed in 2021, G complete and closed in January 2023.
    _action(
        personas, w7_r1, date(2021, 1, 1), status=Action.Status.NOT_ACHIEVABLE, closed_at=_london(2021, 6, 1)
    )
    _action(personas, w7_r1, date(2022, 12, 1), status=complete, closed_at=_london(2023, 1, 15, 10))
    return {review.code: review for review in (w1, w2, w3, w4, w5, w6, w7)}


def _counts(summary: ReviewYear) -> dict[str, Any]:
    return {field.name: getattr(summary, field.name) for field in dataclasses.fields(summary)}


def _nonzero(counts: tuple[Count, ...]) -> dict[str, int]:
    return {count.code: count.count for count in counts if count.count}


# --- The counts ---------------------------------------------------------------------------------------------


def test_counts_at_the_years_edges(personas: Personas) -> None:
    _build(personas)
    year = review_year(personas.bu_officer, Y2022)
    assert (year.year, year.first_day, year.last_day, year.as_of, year.complete) == (
        "2022-23",
        date(2022, 4, 1),
        date(2023, 3, 31),
        date(2023, 3, 31),
        True,
    )
    # W2 (1 April 2022), W3 (31 March 2023) and W4; not W1 (31 March 2022).
    assert year.referrals == 3
    assert _nonzero(year.referrals_by_kind) == {
        "notifiable_incident": 1,
        "sar_referral": 1,
        "dhr_notification": 1,
    }
    assert [count.code for count in year.referrals_by_kind] == list(CaseReview.Kind.values)
    assert year.rapid_reviews == 2  # W1 (21 April 2022), W2 (31 March 2023); not W4 (1 April 2023)
    assert year.notified == 2  # W1 (1 April 2022), W2; not W6 (2021)
    # W1 (5 May 2022), W2 and W3 (31 March 2023); not W4 (1 April 2023) or W5 and W6 (2021). W1 was due with
    # its rapid review on 26 April 2022 (Easter skipped), W2 in April 2022; W3 was decided the day it came.
    assert (year.decisions, year.decisions_late) == (3, 2)
    assert year.local_reviews_started == 1  # W1; not W5 (31 March 2022) or W6 (2021)
    assert year.local_reviews_completed == 1  # W1's final report on 31 March 2023; not W5's (31 March 2022)
    assert year.local_reviews_published == 1  # W5 (1 April 2022); not W1 (1 April 2023)
    assert year.alternative_reviews == 1  # W3 thematic (31 March 2023); not W4 tabletop (1 April 2023)
    assert _nonzero(year.alternative_reviews_by_type) == {"thematic": 1}
    # W1 (criminal proceedings 10 days, expert advice 19 days) and W6 (criminal proceedings all year: 365
    # days); W5's coroner's pause ended on 1 April 2022, so it lost nothing in this year.
    assert year.reviews_paused == 2
    assert {p.reason: (p.reviews, p.days_lost) for p in year.pauses_by_reason if p.reviews} == {
        "criminal_proceedings": (2, 375),
        "expert_advice": (1, 19),
    }
    assert year.days_lost == 394
    assert year.recommendations_agreed == 2  # W1 R1 (31 March 2023), W5 R1 (1 April 2022)
    # Open at 31 March 2023: W1 R1 (E open), W5 R1 (C, D open), W6 R1 (B closed only on 1 April);
    # W7 R1 is done.
    assert year.recommendations_open == 3
    assert year.actions_total == 7  # A to G; not H, whose recommendation was agreed on 1 April 2023
    assert year.actions_completed == 2  # A (31 March 23:30 London) and G; not B (1 April 00:30 London)
    assert year.actions_overdue == 2  # B and C; not D, due on 31 March itself
    assert year.action_plans_completed == 1  # W7 (January 2023); W6's last action closed on 1 April 2023
    assert _nonzero(year.themes) == {"neglect": 1, "think_family": 1, "information_sharing": 1}


def test_the_next_and_previous_years_see_the_other_side_of_each_edge(personas: Personas) -> None:
    _build(personas)
    later = review_year(personas.bu_officer, Period.financial_year(2023))
    assert (later.referrals, later.rapid_reviews, later.local_reviews_published) == (0, 1, 1)  # W4; W1
    assert _nonzero(later.alternative_reviews_by_type) == {"tabletop": 1}
    assert later.recommendations_agreed == 1 and _nonzero(later.themes) == {"neglect": 1}
    assert later.action_plans_completed == 1  # W6: its last action closed at 00:30 on 1 April 2023
    assert {p.reason: p.days_lost for p in later.pauses_by_reason if p.reviews} == {
        # W6 is still paused: counted up to today within 2023-24, i.e. the whole year (366 days, a leap year).
        "criminal_proceedings": 366,
    }
    earlier = review_year(personas.bu_officer, Period.financial_year(2021))
    # W1 and W5 referred; W5 (31 March 2022) and W6 (1 April 2021) started; W5's final report.
    assert (earlier.referrals, earlier.local_reviews_started, earlier.local_reviews_completed) == (2, 2, 1)
    # W5's coroner's pause from 1 March 2022 to 1 April 2022 (31 days); W6's from 1 February (59 days).
    assert {p.reason: (p.reviews, p.days_lost) for p in earlier.pauses_by_reason if p.reviews} == {
        "coroners_inquest": (1, 31),
        "criminal_proceedings": (1, 59),
    }


def test_a_year_still_running_counts_to_today(personas: Personas) -> None:
    _build(personas)
    today = date(2023, 6, 30)
    running = review_year(personas.bu_officer, Period.financial_year(2023), today=today)
    assert not running.complete and running.as_of == today
    assert {p.reason: p.days_lost for p in running.pauses_by_reason if p.reviews} == {
        "criminal_proceedings": (today - date(2023, 4, 1)).days
    }
    assert "Within the year 2023-2024 so far" in running.prose[0]
    assert "At 30 June 2023" in running.prose[3]


def test_only_reviews_the_person_may_see_are_counted(personas: Personas) -> None:
    _build(personas)
    assert review_year(personas.a_worker, Y2022).referrals == 0  # no review.view at all
    assert review_year(personas.a_worker, Y2022).actions_total == 0


def test_which_years_are_offered(personas: Personas) -> None:
    today = date(2026, 12, 4)
    assert latest_year_with_data(personas.bu_officer, today=today).key == "2026-27"  # nothing yet
    assert [p.key for p in years_to_choose(personas.bu_officer, today=today)] == ["2026-27"]
    _build(personas)
    # The latest thing recorded: W1's publication and R2 and W4's decision, all 1 April 2023.
    assert latest_year_with_data(personas.bu_officer, today=today).key == "2023-24"
    keys = [p.key for p in years_to_choose(personas.bu_officer, today=today)]
    assert keys[0] == "2026-27" and keys[-1] == "2019-20"  # W7, aware January 2020


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2022-24", "2022-24 is not a financial year"),
        ("2022-2023", "like 2022-23"),
        ("junk", "like 2022-23"),
        ("", "like 2022-23"),
        ("\uff12\uff10\uff12\uff12-\uff12\uff13", "like 2022-23"),  # full-width digits are not ASCII digits
        ("1999-00", "from 2000-01 onwards"),
        ("2027-28", "2027-28 has not started yet: choose 2026-27 or an earlier year"),
    ],
)
def test_a_financial_year_is_written_like_2022_23(text: str, message: str) -> None:
    with pytest.raises(YearError) as wrong:
        financial_year_period(text, today=date(2026, 12, 4))
    assert message in str(wrong.value)


def test_financial_year_period() -> None:
    assert financial_year_period(" 2022-23 ") == Y2022
    assert financial_year_period("2099-00", today=date(2100, 1, 1)).last == date(2100, 3, 31)
    assert financial_year_period("2026-27", today=date(2026, 4, 1)).first == date(2026, 4, 1)


# --- The words ----------------------------------------------------------------------------------------------


def _year(**numbers: Any) -> ReviewYear:
    """A year of numbers, zero unless given; breakdowns from dicts of code -> count."""
    kinds = numbers.pop("kinds", {})
    alternatives = numbers.pop("alternatives", {})
    pauses = numbers.pop("pauses", {})
    themes = numbers.pop("themes", {})
    base: dict[str, Any] = {
        "year": "2022-23",
        "first_day": date(2022, 4, 1),
        "last_day": date(2023, 3, 31),
        "as_of": date(2023, 3, 31),
        "complete": True,
        "referrals": sum(kinds.values()),
        "referrals_by_kind": tuple(Count(code, code, kinds.get(code, 0)) for code in CaseReview.Kind.values),
        "rapid_reviews": 0,
        "notified": 0,
        "decisions": 0,
        "decisions_late": 0,
        "local_reviews_started": 0,
        "local_reviews_completed": 0,
        "local_reviews_published": 0,
        "alternative_reviews": sum(alternatives.values()),
        "alternative_reviews_by_type": tuple(
            Count(code, code, alternatives.get(code, 0))
            for code in ("thematic", "tabletop", "single_agency", "learning_review")
        ),
        "reviews_paused": 0,
        "pauses_by_reason": tuple(
            PauseCount(code, code, *pauses.get(code, (0, 0))) for code in ReviewPause.Reason.values
        ),
        "days_lost": sum(days for _, days in pauses.values()),
        "recommendations_agreed": 0,
        "recommendations_open": 0,
        "actions_total": 0,
        "actions_completed": 0,
        "actions_overdue": 0,
        "action_plans_completed": 0,
        "themes": tuple(Count(code, label, themes.get(code, 0)) for code, label in _THEMES.items()),
    }
    base.update(numbers)
    return ReviewYear(**base)


_THEMES = {
    "professional_curiosity": "Professional curiosity",
    "information_sharing": "Information sharing",
    "think_family": "Think family",
    "neglect": "Neglect",
    "non_mobile_injuries": "Injuries in non-mobile babies",
    "working_with_fathers": "Working with fathers",
    "other": "Other",
}


def test_the_words_for_a_year_with_nothing_in_it() -> None:
    assert _year().prose == [
        "Within the year 2022-2023, no cases were referred for consideration of a review, heard at rapid "
        "review or notified to the National Panel and Ofsted.",
        "During the year, no local reviews were started, completed or published. There were no alternative "
        "reviews.",
        "No reviews were paused during the year.",
        "No recommendations were agreed in the year. At 31 March 2023, no recommendations were open. No case "
        "review action plans were completed within the year.",
    ]


def test_the_words_for_one_of_each() -> None:
    prose = year_prose(
        _year(
            kinds={"sar_referral": 1},
            rapid_reviews=1,
            notified=1,
            decisions=1,
            local_reviews_published=1,
            alternatives={"tabletop": 1},
            reviews_paused=1,
            pauses={"coroners_inquest": (1, 1)},
            recommendations_agreed=1,
            recommendations_open=1,
            actions_total=1,
            actions_completed=1,
            action_plans_completed=1,
            themes={"non_mobile_injuries": 1},
        )
    )
    assert prose == {
        "referrals": "Within the year 2022-2023, 1 case was referred for consideration of a review: a "
        "safeguarding adult review referral. 1 case was heard at rapid review. 1 case was notified to the "
        "National Panel and Ofsted as a serious child safeguarding incident. The partnership decided whether "
        "to hold a review for 1 case, within its timescale.",
        "reviews": "During the year, 1 local review was published. No local reviews were started or "
        "completed. There was 1 alternative review: a tabletop review.",
        "pauses": "1 review was paused during the year for a coroner's inquest, losing 1 day within the "
        "year.",
        "recommendations": "1 recommendation was agreed in the year. At 31 March 2023, 1 recommendation was "
        "open. The recommendations agreed by then had 1 action: 1 was completed in the year and none was "
        "overdue. 1 action plan from case reviews was completed within the year.",
        "themes": "Of the recommendations agreed in the year, 1 concerned injuries in non-mobile babies.",
    }


def test_the_words_for_many() -> None:
    prose = year_prose(
        _year(
            kinds={"notifiable_incident": 2, "sar_referral": 1, "dhr_notification": 1},
            rapid_reviews=7,
            notified=2,
            decisions=5,
            decisions_late=2,
            local_reviews_started=2,
            local_reviews_completed=1,
            alternatives={"thematic": 2, "learning_review": 1},
            reviews_paused=3,
            pauses={"criminal_proceedings": (2, 400), "coroners_inquest": (2, 30), "other": (1, 0)},
            recommendations_agreed=12,
            recommendations_open=8,
            actions_total=1234,
            actions_overdue=5,
            action_plans_completed=8,
            themes={"neglect": 4, "information_sharing": 4, "other": 2, "think_family": 5},
        )
    )
    assert prose["referrals"] == (
        "Within the year 2022-2023, 4 cases were referred for consideration of a review: 2 serious child "
        "safeguarding incidents, 1 safeguarding adult review referral and 1 domestic homicide review "
        "notification. 7 cases were heard at rapid review. 2 cases were notified to the National Panel and "
        "Ofsted as serious child safeguarding incidents. The partnership decided whether to hold a review "
        "for 5 cases, 2 of them later than their timescales."
    )
    assert prose["reviews"] == (
        "During the year, 2 local reviews were started and 1 was completed. No local reviews were published. "
        "There were 3 alternative reviews: 2 thematic reviews and 1 learning review."
    )
    assert prose["pauses"] == (
        "3 reviews were paused during the year, losing 430 days within the year in all: 2 for criminal "
        "proceedings (400 days), 2 for coroners' inquests (30 days) and 1 for another reason."
    )
    assert prose["recommendations"] == (
        "12 recommendations were agreed in the year. At 31 March 2023, 8 recommendations were open. The "
        "recommendations agreed by then had 1,234 actions: none was completed in the year and 5 were "
        "overdue. 8 action plans from case reviews were completed within the year."
    )
    assert prose["themes"] == (
        "Of the recommendations agreed in the year, 5 concerned think family, 4 concerned information "
        "sharing, 4 concerned neglect and 2 concerned other themes."
    )


def test_the_words_when_only_some_things_happened() -> None:
    prose = year_prose(
        _year(
            kinds={"notifiable_incident": 4},
            alternatives={"single_agency": 2},
            reviews_paused=2,
            pauses={"expert_advice": (2, 45)},
            recommendations_open=3,
        )
    )
    assert prose["referrals"] == (
        "Within the year 2022-2023, 4 cases were referred for consideration of a review, all of them serious "
        "child safeguarding incidents. No cases were heard at rapid review. No cases were notified to the "
        "National Panel and Ofsted."
    )
    assert prose["reviews"].endswith("There were 2 alternative reviews, all of them single-agency reviews.")
    assert (
        prose["pauses"]
        == "2 reviews were paused during the year awaiting expert advice, losing 45 days within the year."
    )
    assert prose["recommendations"] == (
        "No recommendations were agreed in the year. At 31 March 2023, 3 recommendations were open. No "
        "actions had been set for them by then. No case review action plans were completed within the year."
    )
    assert "themes" not in prose
    # No referrals, but a rapid review of an older one: the zero is said plainly.
    older = year_prose(_year(rapid_reviews=1))["referrals"]
    assert older == (
        "Within the year 2022-2023, no cases were referred for consideration of a review. 1 case was heard "
        "at rapid review. No cases were notified to the National Panel and Ofsted."
    )
    # Only a late decision on a case referred the year before: still said, not "nothing happened".
    decided = year_prose(_year(decisions=1, decisions_late=1))["referrals"]
    assert decided.endswith(
        "No cases were notified to the National Panel and Ofsted. The partnership decided whether to hold a "
        "review for 1 case, later than its timescale."
    )


def test_the_words_for_the_built_year(personas: Personas) -> None:
    _build(personas)
    assert review_year(personas.bu_officer, Y2022).prose == [
        "Within the year 2022-2023, 3 cases were referred for consideration of a review: 1 serious child "
        "safeguarding incident, 1 safeguarding adult review referral and 1 domestic homicide review "
        "notification. 2 cases were heard at rapid review. 2 cases were notified to the National Panel and "
        "Ofsted as serious child safeguarding incidents. The partnership decided whether to hold a review "
        "for 3 cases, 2 of them later than their timescales.",
        "During the year, 1 local review was started, 1 was completed and 1 was published. There was 1 "
        "alternative review: a thematic review.",
        "2 reviews were paused during the year, losing 394 days within the year in all: 2 for criminal "
        "proceedings (375 days) and 1 awaiting expert advice (19 days).",
        "2 recommendations were agreed in the year. At 31 March 2023, 3 recommendations were open. The "
        "recommendations agreed by then had 7 actions: 2 were completed in the year and 2 were overdue. 1 "
        "action plan from case reviews was completed within the year.",
        "Of the recommendations agreed in the year, 1 concerned information sharing, 1 concerned think "
        "family and 1 concerned neglect.",
    ]


# --- The API ------------------------------------------------------------------------------------------------


def test_the_api_gives_the_pages_numbers(personas: Personas) -> None:
    _build(personas)
    _, secret = token_for(personas.bu_officer)
    response = api_get(f"{API}?year=2022-23", secret)
    assert response.status_code == 200, response.content
    body = response.json()
    page = personas.client("bu_officer").get(reverse("reviews:year_detail", args=["2022-23"]))
    summary: ReviewYear = page.context["summary"]
    expected = _counts(summary)
    for name, value in expected.items():
        if isinstance(value, tuple):
            assert body[name] == [dataclasses.asdict(item) for item in value], name
        elif isinstance(value, date):
            assert body[name] == value.isoformat(), name
        else:
            assert body[name] == value, name
    assert body["prose"] == summary.prose
    assert (body["year"], body["referrals"], body["actions_overdue"]) == ("2022-23", 3, 2)
    assert set(body) == {*expected, "prose"}
    assert response["Cache-Control"] == "no-store, private"


def test_the_api_needs_a_token_and_review_view(personas: Personas) -> None:
    assert api_get(f"{API}?year=2022-23", None).status_code == 401
    _, secret = token_for(personas.a_worker)
    refused = api_get(f"{API}?year=2022-23", secret)
    assert refused.status_code == 403
    assert refused.json() == {"detail": "This token's role does not grant review.view"}
    member = make_user("subgroup_member", personas.agency_b)  # review.view across the partnership
    _, member_secret = token_for(member)
    assert api_get(f"{API}?year=2022-23", member_secret).status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "?year=2022-24",
            "2022-24 is not a financial year: a financial year ends in the year after it starts, like "
            "2022-23",
        ),
        ("?year=junk", "Enter a financial year as 4 digits, a hyphen and 2 digits, like 2022-23"),
        ("?year=2090-91", "2090-91 has not started yet"),
        ("", "Field required"),
    ],
)
def test_the_api_refuses_a_year_that_is_not_one(personas: Personas, query: str, message: str) -> None:
    _, secret = token_for(personas.bu_officer)
    response = api_get(f"{API}{query}", secret)
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["query", "year"]
    assert message in error["msg"]


# --- The page -----------------------------------------------------------------------------------------------


def test_the_page_per_persona(personas: Personas) -> None:
    _build(personas)
    url = reverse("reviews:year_detail", args=["2022-23"])
    assert url == "/reviews/year/2022-23/"
    page = personas.client("bu_officer").get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Case reviews in numbers: 2022-23" in html
    assert "Within the year 2022-2023, 3 cases were referred for consideration of a review" in html
    assert 'id="year-themes-table"' in html and 'id="year-pauses-table"' in html
    assert 'value="2022-23" selected' in html  # the picker shows the year
    assert personas.client("a_worker").get(url).status_code == 403
    assert personas.client("a_readonly").get(url).status_code == 403


def test_the_page_shows_codes_and_counts_never_identity(personas: Personas) -> None:
    w1 = _build(personas)["W1"]
    services.review_subject_set(actor=personas.bu_officer, review=w1, full_name="Testchild Example")
    html = (
        personas.client("bu_officer").get(reverse("reviews:year_detail", args=["2022-23"])).content.decode()
    )
    assert "Testchild" not in html


def test_the_way_in_goes_to_the_latest_year_with_data(personas: Personas) -> None:
    client = personas.client("bu_officer")
    empty = client.get(reverse("reviews:year"))
    assert empty.status_code == 302
    assert empty["Location"].startswith("/reviews/year/20")  # the current year when there is nothing
    _build(personas)
    assert client.get(reverse("reviews:year"))["Location"] == "/reviews/year/2023-24/"
    assert client.get(reverse("reviews:year"), {"year": "2021-22"})["Location"] == "/reviews/year/2021-22/"
    assert personas.client("a_worker").get(reverse("reviews:year")).status_code == 403


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("2022-24", "2022-24 is not a financial year"),
        ("junk", "Enter a financial year as 4 digits, a hyphen and 2 digits, like 2022-23"),
        ("", "Choose a financial year"),
    ],
)
def test_the_picker_says_what_is_wrong(personas: Personas, year: str, message: str) -> None:
    page = personas.client("bu_officer").get(reverse("reviews:year"), {"year": year})
    assert page.status_code == 200
    html = page.content.decode()
    assert "There is a problem" in html and message in html
    assert 'class="govuk-error-message"' in html


def test_a_year_in_the_address_that_is_not_one_is_not_found(personas: Personas) -> None:
    client = personas.client("bu_officer")
    assert client.get("/reviews/year/2022-24/").status_code == 404
    assert client.get("/reviews/year/2090-91/").status_code == 404


def test_a_year_before_any_review_is_offered_and_all_zero(personas: Personas) -> None:
    _build(personas)
    page = personas.client("bu_officer").get(reverse("reviews:year_detail", args=["2005-06"]))
    assert page.status_code == 200
    assert page.context["summary"].referrals == 0
    assert 'value="2005-06" selected' in page.content.decode()
