"""Case reviews: clocks worked by hand, services, permissions (codes for everyone, identity for case
reviewers only and logged), the pages per persona, and the referral form's validation."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import reverse

from safeguarding.accesslog.models import AccessEvent
from safeguarding.core.attention import items_for
from safeguarding.core.testing import Personas, date_post, make_personas, make_user, sign_in
from safeguarding.reviews import services
from safeguarding.reviews.models import CaseReview, Decision, ReviewPause
from safeguarding.reviews.selectors import (
    ClockState,
    review_clocks,
    review_next_deadline,
    reviews_needing_attention,
    reviews_summary,
)

pytestmark = pytest.mark.django_db

SECRET_NAME = "Zephyrine Testcase"  # synthetic


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


@pytest.fixture
def personas() -> Personas:
    return make_personas()


def _refer(
    personas: Personas, code: str = "W14", aware: date = date(2022, 9, 14), **extra: object
) -> CaseReview:
    fields: dict[str, object] = {
        "kind": CaseReview.Kind.NOTIFIABLE_INCIDENT,
        "subject_type": CaseReview.SubjectType.CHILD,
        "referred_by_agency": personas.agency_a,
        "agencies_involved": [personas.agency_a, personas.agency_b],
    }
    fields.update(extra)
    return services.review_refer(actor=personas.bu_officer, code=code, aware_date=aware, **fields)  # type: ignore[arg-type]


# --- Clocks, hand-worked --------------------------------------------------------------------------------


def test_notification_clock_skips_the_state_funeral(personas: Personas) -> None:
    # Aware Wednesday 14 September 2022 (day 0). Working days: Thu 15 (1), Fri 16 (2), Mon 19 is the Queen's
    # state funeral (bank holiday), Tue 20 (3), Wed 21 (4), Thu 22 (5).
    review = _refer(personas)
    [clock] = review_clocks(review, now=_noon(date(2022, 9, 20)))
    assert clock.due == date(2022, 9, 22)
    assert clock.state == ClockState.DUE
    [late] = review_clocks(review, now=_noon(date(2022, 9, 23)))
    assert late.state == ClockState.OVERDUE


def test_rapid_review_clock_skips_christmas_and_new_year(personas: Personas) -> None:
    # Notified Monday 19 December 2022. Working days: 20, 21, 22, 23 (4); 26 and 27 December are holidays;
    # 28, 29, 30 (7); Monday 2 January 2023 is the New Year substitute; 3, 4, 5, 6 (11); 9, 10, 11, 12 (15).
    review = _refer(personas, aware=date(2022, 12, 15))
    services.review_notification_record(
        actor=personas.bu_officer, review=review, notification_date=date(2022, 12, 19)
    )
    notify, rapid, decision = review_clocks(review, now=_noon(date(2023, 1, 5)))
    assert notify.state == ClockState.DONE and notify.done_on == date(2022, 12, 19)
    assert rapid.due == date(2023, 1, 12)
    assert rapid.state == ClockState.DUE
    # The decision on a local review is the rapid review's conclusion: due the same day.
    assert (decision.name, decision.due, decision.state) == (
        "cspr-decision",
        date(2023, 1, 12),
        ClockState.DUE,
    )
    services.rapid_review_record(
        actor=personas.bu_officer,
        review=review,
        meeting_date=date(2023, 1, 10),
        attending_agencies=[personas.agency_a],
        immediate_actions="None needed",
        learning_identified="Information sharing",
        recommendation=Decision.LOCAL_REVIEW,
    )
    review.refresh_from_db()
    # The meeting met the rapid review clock, but nobody has decided yet: by February the decision is late.
    states = [c.state for c in review_clocks(review, now=_noon(date(2023, 2, 1)))]
    assert states == [ClockState.DONE, ClockState.DONE, ClockState.OVERDUE]
    services.review_decision_record(
        actor=personas.bu_officer,
        review=review,
        decision=Decision.LOCAL_REVIEW,
        decided_by="Executive group",
        decided_on=date(2023, 1, 12),
    )
    clocks = review_clocks(review, now=_noon(date(2023, 2, 1)))
    assert [c.state for c in clocks[:3]] == [ClockState.DONE] * 3
    assert clocks[2].label == "Done on 12 January 2023"


def test_publication_clock_six_months_from_decision_clamped_to_february(personas: Personas) -> None:
    # Decided 31 August 2022: + 6 months = 31 February, clamped to Tuesday 28 February 2023 (a working day).
    review = _refer(personas, kind=CaseReview.Kind.NON_NOTIFIABLE, aware=date(2022, 8, 1))
    services.review_decision_record(
        actor=personas.bu_officer,
        review=review,
        decision=Decision.LOCAL_REVIEW,
        decided_by="Executive group",
        decided_on=date(2022, 8, 31),
    )
    decision, publication = review_clocks(review, now=_noon(date(2023, 3, 1)))
    # Aware Monday 1 August 2022 + the local standard of 20 working days (29 August was the summer bank
    # holiday) = Tuesday 30 August: a decision on the 31st was a day late.
    assert (decision.name, decision.due) == ("local-review-decision", date(2022, 8, 30))
    assert decision.label == "Done on 31 August 2022 (late)"
    assert publication.due == date(2023, 2, 28)
    assert publication.state == ClockState.OVERDUE
    assert review.status == CaseReview.Status.DECIDED


def test_no_local_review_has_no_publication_clock_and_ends_the_review(personas: Personas) -> None:
    review = _refer(personas, kind=CaseReview.Kind.NON_NOTIFIABLE)
    services.review_decision_record(
        actor=personas.bu_officer,
        review=review,
        decision=Decision.NO_LOCAL_REVIEW,
        decided_by="Executive group",
        decided_on=date(2022, 10, 3),
    )
    [decision] = review_clocks(review)
    assert (decision.name, decision.state) == ("local-review-decision", ClockState.DONE)
    assert review.status == CaseReview.Status.NO_FURTHER_REVIEW


def test_the_decision_is_due_by_the_kind_of_referral(personas: Personas) -> None:
    # A notifiable incident: no decision clock until the Panel is notified (the rapid review starts then).
    notifiable = _refer(personas, code="W20", aware=date(2023, 4, 19))
    assert "cspr-decision" not in [c.name for c in review_clocks(notifiable)]
    # A DHR notification on Saturday 8 April 2023: one month later is the Coronation bank holiday, so the
    # decision is due on Friday 5 May 2023.
    dhr = _refer(
        personas,
        code="W21",
        aware=date(2023, 4, 8),
        kind=CaseReview.Kind.DHR_NOTIFICATION,
        subject_type=CaseReview.SubjectType.ADULT,
    )
    [dhr_decision] = review_clocks(dhr, now=_noon(date(2023, 5, 5)))
    assert (dhr_decision.name, dhr_decision.due, dhr_decision.label) == (
        "dhr-decision",
        date(2023, 5, 5),
        "Due today",
    )
    # A SAR referral: the local standard, here set to 10 working days (Easter 2023 is skipped).
    with override_settings(REVIEW_DECISION_WORKING_DAYS=10):
        sar = _refer(
            personas,
            code="W22",
            aware=date(2023, 4, 5),
            kind=CaseReview.Kind.SAR_REFERRAL,
            subject_type=CaseReview.SubjectType.ADULT,
        )
        [sar_decision] = review_clocks(sar, now=_noon(date(2023, 4, 24)))
        assert (sar_decision.name, sar_decision.due) == ("local-review-decision", date(2023, 4, 21))
        assert sar_decision.overdue and sar_decision.label == "Overdue by 1 working day"


def test_pause_counts_days_lost_and_summary_shows_it(personas: Personas) -> None:
    review = _refer(personas, kind=CaseReview.Kind.NON_NOTIFIABLE, aware=date(2022, 1, 10))
    services.review_pause(
        actor=personas.bu_officer,
        review=review,
        reason=ReviewPause.Reason.CRIMINAL_PROCEEDINGS,
        paused_on=date(2022, 3, 1),
    )
    with pytest.raises(services.ReviewError, match="already paused"):
        services.review_pause(
            actor=personas.bu_officer,
            review=review,
            reason=ReviewPause.Reason.OTHER,
            paused_on=date(2022, 3, 2),
        )
    [row] = reviews_summary(personas.bu_officer, now=_noon(date(2022, 3, 11)))
    assert row.age_days == 60  # 10 January to 11 March 2022: 21 + 28 + 11
    assert row.current_pause is not None and row.days_lost == 10
    services.review_resume(actor=personas.bu_officer, review=review, resumed_on=date(2022, 4, 1))
    review.refresh_from_db()
    assert review.status == CaseReview.Status.REFERRED  # paused before any decision: back where it was
    [row] = reviews_summary(personas.bu_officer, now=_noon(date(2022, 6, 1)))
    assert row.current_pause is None and row.days_lost == 31  # 1 March to 1 April


def test_attention_lists_overdue_and_due_soon_for_managers_only(personas: Personas) -> None:
    overdue = _refer(personas, code="W1", aware=date(2022, 9, 1))  # notification due 8 September 2022
    soon = _refer(personas, code="W2", aware=date(2022, 9, 14))  # due 22 September 2022
    _refer(personas, code="W3", kind=CaseReview.Kind.NON_NOTIFIABLE)  # no clock yet
    late, due_soon = reviews_needing_attention(personas.bu_officer, now=_noon(date(2022, 9, 15)))
    assert [r.code for r in late] == [overdue.code]
    assert [r.code for r in due_soon] == [soon.code]
    subgroup = make_user("subgroup_member", personas.agency_a)
    assert not [item for item in items_for(subgroup) if "Case review" in item.title]
    titles = [item.title for item in items_for(personas.bu_officer)]
    assert "Case review deadlines overdue" in titles


def test_next_deadline_is_none_when_all_done(personas: Personas) -> None:
    review = _refer(personas)
    services.review_notification_record(
        actor=personas.bu_officer, review=review, notification_date=date(2022, 9, 15)
    )
    assert review_next_deadline(review, now=_noon(date(2022, 9, 16))).name == "rapid-review"  # type: ignore[union-attr]


# --- Service validation ---------------------------------------------------------------------------------


def test_refer_refuses_bad_and_duplicate_codes_and_future_dates(personas: Personas) -> None:
    _refer(personas)
    with pytest.raises(services.ReviewError, match="already used"):
        _refer(personas, code="w14")
    with pytest.raises(services.ReviewError, match="capital letters"):
        _refer(personas, code="Baby X")
    with pytest.raises(services.ReviewError, match="future"):
        _refer(personas, code="W15", aware=date(2999, 1, 1))
    with pytest.raises(services.ReviewError, match="adult"):
        _refer(personas, code="A1", kind=CaseReview.Kind.SAR_REFERRAL)


# --- Permissions and pages ------------------------------------------------------------------------------


def _with_subject(personas: Personas) -> CaseReview:
    review = _refer(personas)
    services.review_subject_set(
        actor=personas.bu_officer, review=review, full_name=SECRET_NAME, age_at_incident=2, sex="female"
    )
    return review


def test_subgroup_member_sees_codes_but_never_the_subject(personas: Personas) -> None:
    review = _with_subject(personas)
    client = sign_in(Client(), make_user("subgroup_member", personas.agency_a))
    summary = client.get(reverse("reviews:summary"))
    assert summary.status_code == 200
    assert "W14" in summary.text and SECRET_NAME not in summary.text
    detail = client.get(reverse("reviews:detail", args=[review.code]))
    assert detail.status_code == 200
    assert SECRET_NAME not in detail.text and "restricted" not in detail.text
    assert "Record the rapid review" not in detail.text
    assert client.get(reverse("reviews:subject", args=[review.code])).status_code == 403
    assert client.get(reverse("reviews:refer")).status_code == 403
    assert client.post(reverse("reviews:decision", args=[review.code]), {}).status_code == 403
    assert not AccessEvent.objects.filter(
        subject_type="reviews.reviewsubject", action=AccessEvent.Action.VIEW
    ).exists()


def test_recording_and_correcting_the_subject_is_logged_without_the_values(personas: Personas) -> None:
    review = _with_subject(personas)
    subject_events = AccessEvent.objects.filter(subject_type="reviews.reviewsubject").order_by("pk")
    [created] = subject_events
    assert (created.action, created.actor, created.subject_id) == (
        AccessEvent.Action.CREATE,
        personas.bu_officer,
        str(review.subject.pk),
    )
    assert created.details["fields"] == ["age_at_incident", "full_name", "sex"]
    # A correction through the restricted page logs which fields changed, never what they hold.
    reviewer = make_user("case_reviewer", personas.business_unit)
    client = sign_in(Client(), reviewer)
    saved = client.post(
        reverse("reviews:subject", args=[review.code]),
        {"full_name": SECRET_NAME, "age_at_incident": "3", "sex": "female"},
    )
    assert saved.status_code == 302
    changed = subject_events.filter(action=AccessEvent.Action.CHANGE).get()
    assert (changed.actor, changed.details["fields"]) == (reviewer, ["age_at_incident"])
    assert changed.ip_address is not None
    logged = " ".join(
        str(value) for value in subject_events.values_list("subject_label", "details", "purpose")
    )
    assert SECRET_NAME not in logged and "Zephyrine" not in logged
    # Saving with nothing changed writes nothing.
    client.post(
        reverse("reviews:subject", args=[review.code]),
        {"full_name": SECRET_NAME, "age_at_incident": "3", "sex": "female"},
    )
    assert subject_events.filter(action=AccessEvent.Action.CHANGE).count() == 1


def test_case_reviewer_sees_the_subject_and_the_view_is_logged(personas: Personas) -> None:
    review = _with_subject(personas)
    reviewer = make_user("case_reviewer", personas.business_unit)
    client = sign_in(Client(), reviewer)
    detail = client.get(reverse("reviews:detail", args=[review.code]))
    assert SECRET_NAME in detail.text
    page = client.get(reverse("reviews:subject", args=[review.code]))
    assert page.status_code == 200 and SECRET_NAME in page.text
    events = AccessEvent.objects.filter(actor=reviewer, subject_type="reviews.reviewsubject")
    assert events.count() == 2
    assert SECRET_NAME not in "".join(events.values_list("subject_label", flat=True))


def test_case_reviewer_needs_two_factor_for_the_subject(personas: Personas) -> None:
    review = _with_subject(personas)
    client = sign_in(Client(), make_user("case_reviewer", personas.business_unit), two_factor=False)
    response = client.get(reverse("reviews:subject", args=[review.code]))
    assert response.status_code == 302
    assert SECRET_NAME not in response.text
    # Nor on the review's own page, which says how to see it; nothing is logged as seen.
    logged = AccessEvent.objects.count()
    detail = client.get(reverse("reviews:detail", args=[review.code]))
    assert detail.status_code == 200 and SECRET_NAME not in detail.text
    assert "Sign in with two-factor authentication to see who this review is about" in detail.text
    assert AccessEvent.objects.count() == logged
    # The referral form asks for the identity only with two factors.
    assert "full_name" not in client.get(reverse("reviews:refer")).text
    verified = sign_in(Client(), make_user("case_reviewer", personas.business_unit), two_factor=True)
    assert SECRET_NAME in verified.get(reverse("reviews:detail", args=[review.code])).text


def test_business_unit_officer_manages_but_does_not_see_the_identity(personas: Personas) -> None:
    review = _with_subject(personas)
    client = personas.client("bu_officer")
    detail = client.get(reverse("reviews:detail", args=[review.code]))
    assert "Record the rapid review" in detail.text and SECRET_NAME not in detail.text
    assert client.get(reverse("reviews:subject", args=[review.code])).status_code == 403


def test_agency_lead_without_review_view_is_refused(personas: Personas) -> None:
    review = _refer(personas)
    client = personas.client("a_worker")
    assert client.get(reverse("reviews:summary")).status_code == 403
    assert client.get(reverse("reviews:detail", args=[review.code])).status_code == 403


def test_unknown_code_is_404(personas: Personas) -> None:
    assert personas.client("bu_officer").get(reverse("reviews:detail", args=["Z999"])).status_code == 404


def test_referral_form_saves_and_redisplays_errors(personas: Personas) -> None:
    client = personas.client("bu_officer")
    assert client.get(reverse("reviews:refer")).status_code == 200
    data = {
        "code": "w21",
        "kind": CaseReview.Kind.NOTIFIABLE_INCIDENT,
        "subject_type": CaseReview.SubjectType.CHILD,
        "referred_by_agency": str(personas.agency_b.pk),
        "agencies_involved": [str(personas.agency_a.pk)],
        **date_post("aware_date", date(2022, 9, 14)),
    }
    bad = client.post(
        reverse("reviews:refer"), {**data, "kind": "", **date_post("aware_date", date(2999, 1, 1))}
    )
    assert bad.status_code == 200
    assert "There is a problem" in bad.text and "Select the type of referral" in bad.text
    assert 'value="w21"' in bad.text  # what was typed is kept
    assert not CaseReview.objects.exists()
    future = client.post(reverse("reviews:refer"), {**data, **date_post("aware_date", date(2999, 1, 1))})
    assert "cannot be in the future" in future.text
    done = client.post(reverse("reviews:refer"), data)
    assert done.status_code == 302 and done["Location"] == reverse("reviews:detail", args=["W21"])
    review = CaseReview.objects.get(code="W21")
    assert review.created_by == personas.bu_officer
    assert list(review.agencies_involved.all()) == [personas.agency_a]
    duplicate = client.post(reverse("reviews:refer"), data)
    assert "already used" in duplicate.text


def test_case_reviewer_refers_with_the_identity(personas: Personas) -> None:
    client = sign_in(Client(), make_user("case_reviewer", personas.business_unit))
    data = {
        "code": "A3",
        "kind": CaseReview.Kind.SAR_REFERRAL,
        "subject_type": CaseReview.SubjectType.ADULT,
        "referred_by_agency": str(personas.agency_b.pk),
        "full_name": SECRET_NAME,
        "age_at_incident": "67",
        **date_post("aware_date", date(2023, 2, 1)),
    }
    assert client.post(reverse("reviews:refer"), data).status_code == 302
    review = CaseReview.objects.get(code="A3")
    assert review.subject.full_name == SECRET_NAME and review.subject.age_at_incident == 67


def test_the_path_through_the_forms(personas: Personas) -> None:
    review = _refer(personas)
    client = personas.client("bu_officer")
    url = reverse("reviews:notification", args=[review.code])
    early = client.post(url, date_post("notification_date", date(2022, 9, 1)))
    assert "cannot be before" in early.text
    assert client.post(url, date_post("notification_date", date(2022, 9, 16))).status_code == 302
    info = {
        "agency": str(personas.agency_a.pk),
        "information": "chronology_and_summary",
        **date_post("requested_on", date(2022, 9, 16)),
        **date_post("due_date", date(2022, 9, 23)),
    }
    assert client.post(reverse("reviews:information_request", args=[review.code]), info).status_code == 302
    rapid = {
        **date_post("meeting_date", date(2022, 10, 5)),
        "attending_agencies": [str(personas.agency_a.pk), str(personas.agency_b.pk)],
        "immediate_actions": "Siblings' plans reviewed",
        "learning_identified": "Professional curiosity",
        "recommendation": Decision.LOCAL_REVIEW,
    }
    assert client.post(reverse("reviews:rapid_review", args=[review.code]), rapid).status_code == 302
    decision = {
        "decision": Decision.LOCAL_REVIEW,
        "decided_by": "Executive group",
        **date_post("decided_on", date(2022, 10, 12)),
    }
    assert client.post(reverse("reviews:decision", args=[review.code]), decision).status_code == 302
    review.refresh_from_db()
    assert review.status == CaseReview.Status.DECIDED
    assert review.rapid_review.attending_agencies.count() == 2
    page = client.get(reverse("reviews:detail", args=[review.code]))
    assert "12 April 2023" in page.text  # publication due: 12 October 2022 + 6 months (a Wednesday)
    summary = client.get(reverse("reviews:summary"))
    assert "Publish the review: 12 April 2023" in summary.text


def _pause_and_resume(personas: Personas, review: CaseReview, paused_on: date, resumed_on: date) -> None:
    services.review_pause(
        actor=personas.bu_officer,
        review=review,
        reason=ReviewPause.Reason.CRIMINAL_PROCEEDINGS,
        paused_on=paused_on,
    )
    services.review_resume(actor=personas.bu_officer, review=review, resumed_on=resumed_on)
    review.refresh_from_db()


def test_resuming_returns_a_review_to_the_stage_it_had_reached(personas: Personas) -> None:
    review = _refer(personas, aware=date(2022, 9, 14))
    services.review_notification_record(
        actor=personas.bu_officer, review=review, notification_date=date(2022, 9, 15)
    )
    services.review_decision_record(
        actor=personas.bu_officer,
        review=review,
        decision=Decision.LOCAL_REVIEW,
        decided_by="Executive",
        decided_on=date(2022, 10, 3),
    )
    _pause_and_resume(personas, review, date(2022, 10, 10), date(2022, 11, 1))
    # Decided but not yet started: back to "decided", not on to "in progress".
    assert review.status == CaseReview.Status.DECIDED
    services.review_start(
        actor=personas.bu_officer,
        review=review,
        terms_of_reference="Scope",
        terms_agreed_on=date(2022, 11, 14),
    )
    _pause_and_resume(personas, review, date(2022, 12, 1), date(2023, 1, 2))
    assert review.status == CaseReview.Status.IN_PROGRESS


def test_review_writes_need_review_manage(personas: Personas) -> None:
    review = _refer(personas)
    reader = make_user("subgroup_member", personas.agency_a)  # review.view only
    writes = [
        lambda: services.review_notification_record(
            actor=reader, review=review, notification_date=date(2022, 9, 15)
        ),
        lambda: services.review_pause(
            actor=reader, review=review, reason=ReviewPause.Reason.OTHER, paused_on=date(2022, 9, 20)
        ),
        lambda: services.review_decision_record(
            actor=reader,
            review=review,
            decision=Decision.NO_LOCAL_REVIEW,
            decided_by="Executive",
            decided_on=date(2022, 9, 20),
        ),
        lambda: services.review_subject_set(actor=reader, review=review, full_name=SECRET_NAME),
        lambda: services.review_refer(
            actor=reader,
            code="W99",
            kind=CaseReview.Kind.NON_NOTIFIABLE,
            subject_type=CaseReview.SubjectType.CHILD,
            aware_date=date(2022, 9, 14),
            referred_by_agency=personas.agency_a,
        ),
    ]
    for write in writes:
        with pytest.raises(PermissionDenied):
            write()
    review.refresh_from_db()
    assert review.status == CaseReview.Status.REFERRED and review.notification_date is None
    assert CaseReview.objects.count() == 1
