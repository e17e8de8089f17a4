"""Who may open what, for every page of case reviews, the action tracker and 7-minute briefings (issue 6,
section 7: "Persona tests for every view").

One review (W14) is taken through the whole path with the services: referral, notification, rapid review,
decision, the review started with a reviewer, a recommendation with one action for each of two agencies
(evidence on agency A's), and a published briefing; a second (W15) is paused. Each page is then requested by
six people, and the answer must be the one in EXPECTED. A page added to any of the three areas without a
line in EXPECTED fails `test_every_page_is_in_the_matrix`, so no view escapes the matrix.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from safeguarding.accesslog.models import AccessEvent
from safeguarding.actions.models import Action, ActionEvidence, ActionUpdate
from safeguarding.actions.services import action_evidence_add
from safeguarding.actions.tests.support import pdf_upload
from safeguarding.briefings.models import Briefing
from safeguarding.briefings.services import briefing_create, briefing_publish
from safeguarding.core.testing import Personas, make_personas, make_user, sign_in, use_private_storage
from safeguarding.reviews import services
from safeguarding.reviews.models import CaseReview, Decision, MilestoneStage, ReviewerAppointment

pytestmark = pytest.mark.django_db

SUBJECT_NAME = "Quillon Matrixcase"  # synthetic
PROPOSED_NAME = "Orrin Proposedcase"  # synthetic: the person a case put forward is about
AREAS = ("reviews", "actions", "briefings")
PEOPLE = ("bu_officer", "case_reviewer", "member_a", "lead_b", "referrer_a", "sysadmin")


@dataclass
class World:
    personas: Personas
    users: dict[str, Any]
    review: CaseReview
    paused: CaseReview
    action_a: Action
    action_b: Action
    evidence_a: ActionEvidence
    briefing: Briefing
    draft: Briefing
    reviewer_pk: int
    request_pk: int
    proposal_pk: int


def _briefing_text(ref: str) -> dict[str, str]:
    return {
        "source_ref": ref,
        "title": f"Learning from review {ref}",
        "background": "A baby was seriously injured.",
        "why_it_matters": "Injuries in non-mobile babies are rare and serious.",
        "what_happened": "Bruising was seen and not escalated.",
        "what_we_learned": "Professional curiosity about fathers was low.",
        "what_to_do_differently": "Follow the bruising protocol every time.",
        "questions_for_reflection": "Who else lives in the home?",
    }


@pytest.fixture
def world(settings: Any, tmp_path: Any) -> World:
    use_private_storage(settings, tmp_path)
    personas = make_personas()
    bu = personas.bu_officer
    users = {
        "bu_officer": bu,
        "case_reviewer": make_user("case_reviewer", personas.business_unit, email="reviewer@example.org"),
        "member_a": make_user("subgroup_member", personas.agency_a, email="member.a@example.org"),
        "lead_b": personas.b_worker,
        "referrer_a": personas.a_readonly,
        "sysadmin": personas.sysadmin,
    }
    review = services.review_refer(
        actor=bu,
        code="W14",
        kind=CaseReview.Kind.NOTIFIABLE_INCIDENT,
        subject_type=CaseReview.SubjectType.CHILD,
        aware_date=date(2022, 9, 14),
        referred_by_agency=personas.agency_a,
        agencies_involved=[personas.agency_a, personas.agency_b],
        subject={"full_name": SUBJECT_NAME},
    )
    services.review_notification_record(actor=bu, review=review, notification_date=date(2022, 9, 16))
    request = services.rapid_review_request_information(
        actor=bu,
        review=review,
        agency=personas.agency_b,
        requested_on=date(2022, 9, 16),
        due_date=date(2022, 9, 23),
        information="chronology_and_summary",
    )
    services.rapid_review_record(
        actor=bu,
        review=review,
        meeting_date=date(2022, 10, 4),
        attending_agencies=[personas.agency_a, personas.agency_b],
        immediate_actions="Siblings seen",
        learning_identified="Information sharing",
        recommendation=Decision.LOCAL_REVIEW,
    )
    services.review_decision_record(
        actor=bu,
        review=review,
        decision=Decision.LOCAL_REVIEW,
        decided_by="Executive",
        decided_on=date(2022, 10, 20),
    )
    reviewer = services.reviewer_add(actor=bu, name="Reviewer One", expertise="Health")
    services.review_start(
        actor=bu,
        review=review,
        terms_of_reference="The year before the incident",
        terms_agreed_on=date(2022, 11, 1),
        reviewer=reviewer,
        reviewer_appointed_on=date(2022, 10, 28),
        reviewer_appointment=ReviewerAppointment.POOL,
    )
    recommendation = services.recommendation_add(
        review=review,
        actor=bu,
        text="Share information sooner",
        themes=["information_sharing"],
        agreed_on=date(2023, 3, 1),
    )
    action_a = services.recommendation_action_add(
        recommendation=recommendation,
        actor=bu,
        title="A's action",
        owner_agency=personas.agency_a,
        due_date=date(2030, 1, 1),
    )
    action_b = services.recommendation_action_add(
        recommendation=recommendation,
        actor=bu,
        title="B's action",
        owner_agency=personas.agency_b,
        due_date=date(2030, 1, 1),
    )
    evidence_a = action_evidence_add(
        action=action_a, actor=bu, upload=pdf_upload(), description="Training log"
    )

    paused = services.review_refer(
        actor=bu,
        code="W15",
        kind=CaseReview.Kind.NON_NOTIFIABLE,
        subject_type=CaseReview.SubjectType.CHILD,
        aware_date=date(2022, 12, 1),
        referred_by_agency=personas.agency_a,
    )
    services.review_decision_record(
        actor=bu,
        review=paused,
        decision=Decision.LOCAL_REVIEW,
        decided_by="Executive",
        decided_on=date(2023, 1, 5),
    )
    services.review_pause(actor=bu, review=paused, reason="criminal_proceedings", paused_on=date(2023, 1, 20))

    briefing = briefing_create(actor=bu, source_kind=Briefing.SourceKind.CASE_REVIEW, **_briefing_text("W14"))
    briefing_publish(actor=bu, briefing=briefing, published_on=date(2023, 3, 20))
    draft = briefing_create(actor=bu, source_kind=Briefing.SourceKind.CASE_REVIEW, **_briefing_text("W15"))
    # Agency B's safeguarding lead puts a case forward for consideration.
    proposal = services.review_propose(
        actor=users["lead_b"],
        agency=personas.agency_b,
        kind=CaseReview.Kind.NON_NOTIFIABLE,
        subject_type=CaseReview.SubjectType.CHILD,
        aware_date=date(2023, 2, 1),
        what_happened="A child, J, was found with injuries after school",
        subject_name=PROPOSED_NAME,
    )
    return World(
        personas,
        users,
        review,
        paused,
        action_a,
        action_b,
        evidence_a,
        briefing,
        draft,
        reviewer.pk,
        request.pk,
        proposal.pk,
    )


def _url(name: str, world: World) -> str:
    """The page's address in this world: the running review, its action, its briefing..."""
    area, short = name.split(":", 1)
    if area == "reviews":
        by_name: dict[str, list[Any]] = {
            "subject": ["W14"],
            "reviewer_edit": [world.reviewer_pk],
            "information_returned": ["W14", world.request_pk],
            "rapid_review_attendee_remove": ["W14", 1],
            "resume": ["W15"],
            "review_milestone": ["W14", MilestoneStage.DRAFT],
            "recommendation_action_add": ["W14", 1],
            "year_detail": ["2022-23"],
            "proposal": [world.proposal_pk],
            "proposal_accept": [world.proposal_pk],
            "proposal_decline": [world.proposal_pk],
        }
        if short in by_name:
            return reverse(name, args=by_name[short])
        if short in (
            "summary",
            "refer",
            "summary_print",
            "profile",
            "reviewers",
            "reviewer_add",
            "year",
            "proposals",
            "propose",
        ):
            return reverse(name)
        return reverse(name, args=["W14"])
    if area == "actions":
        if short in ("home", "create"):
            return reverse(name)
        if short == "export":
            return reverse(name, args=["csv"])
        if short.endswith(":b"):  # the same page for agency B's action
            return reverse(name.removesuffix(":b"), args=[world.action_b.pk])
        if short == "evidence-download":
            return reverse(name, args=[world.action_a.pk, world.evidence_a.pk])
        return reverse(name, args=[world.action_a.pk])
    if short in ("home", "create"):
        return reverse(name)
    return reverse(name, args=[world.briefing.pk])


# The answer each person gets to GET on each page. Columns follow PEOPLE:
#   business unit officer, case reviewer, subgroup member of agency A (reads partnership assurance,
#   updates A's actions), safeguarding lead of agency B (B's actions only, no review.view), referrer in
#   agency A (A's actions, learning), system administrator (no case material at all).
# 405: the page only takes POST (its form is on another page). 404: out of the person's scope.
VIEWERS = (200, 200, 200, 403, 403, 403)
MANAGERS = (200, 200, 403, 403, 403, 403)
EXPECTED: dict[str, tuple[int, ...]] = {
    "reviews:summary": VIEWERS,
    "reviews:summary_print": VIEWERS,
    "reviews:detail": VIEWERS,
    "reviews:reviewers": VIEWERS,
    "reviews:year": (302, 302, 302, 403, 403, 403),
    "reviews:year_detail": VIEWERS,
    "reviews:subject": (403, 200, 403, 403, 403, 403),
    "reviews:profile": MANAGERS,
    "reviews:refer": MANAGERS,
    # Cases put forward: any partner with review.propose (agency leads, subgroup members) sees its own; the
    # business unit and case reviewers see all and decide. Lead B put the world's case forward.
    "reviews:proposals": (200, 200, 200, 200, 403, 403),
    "reviews:propose": (200, 200, 200, 200, 403, 403),
    "reviews:proposal": (200, 200, 404, 200, 403, 403),
    "reviews:proposal_accept": MANAGERS,
    "reviews:proposal_decline": MANAGERS,
    "reviews:referral": MANAGERS,
    "reviews:notification": MANAGERS,
    "reviews:information_request": MANAGERS,
    "reviews:information_returned": MANAGERS,
    "reviews:rapid_review": MANAGERS,
    "reviews:rapid_review_attendees": MANAGERS,
    "reviews:rapid_review_attendee_remove": (405,) * 6,
    "reviews:decision": MANAGERS,
    "reviews:pause": MANAGERS,
    "reviews:resume": MANAGERS,
    "reviews:review_start": (302, 302, 403, 403, 403, 403),  # already started: back to the review
    "reviews:review_reviewer": MANAGERS,
    "reviews:review_milestone": MANAGERS,
    "reviews:review_publish": MANAGERS,
    "reviews:review_close": MANAGERS,
    "reviews:recommendation_add": MANAGERS,
    "reviews:recommendation_action_add": MANAGERS,
    "reviews:reviewer_add": MANAGERS,
    "reviews:reviewer_edit": MANAGERS,
    "actions:home": (200, 200, 200, 200, 200, 403),
    "actions:export": (200, 200, 200, 200, 200, 403),
    "actions:create": (200, 403, 403, 403, 403, 403),
    "actions:detail": (200, 200, 200, 404, 200, 403),
    "actions:detail:b": (200, 200, 200, 200, 404, 403),
    "actions:evidence-download": (200, 200, 200, 404, 200, 403),
    "actions:update-add": (405,) * 6,
    "actions:evidence-add": (405,) * 6,
    "actions:close": (405,) * 6,
    "actions:send-back": (405,) * 6,
    "actions:impact": (405,) * 6,
    "actions:owner-person": (405,) * 6,
    "actions:reassign": (405,) * 6,
    "actions:due-date": (405,) * 6,
    "briefings:home": (200, 200, 200, 200, 200, 403),
    "briefings:detail": (200, 200, 200, 200, 200, 403),
    "briefings:pdf": (200, 200, 200, 200, 200, 403),
    "briefings:create": (200, 200, 403, 403, 403, 403),
    "briefings:edit": (200, 200, 403, 403, 403, 403),
    "briefings:publish": (302, 302, 403, 403, 403, 403),  # already published: back to the briefing
    "briefings:share": (200, 200, 403, 403, 403, 403),
}


def _names_in(namespace: str) -> set[str]:
    def walk(resolver: URLResolver) -> set[str]:
        found: set[str] = set()
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                found |= walk(entry)
            elif isinstance(entry, URLPattern) and entry.name:
                found.add(f"{namespace}:{entry.name}")
        return found

    return walk(get_resolver().namespace_dict[namespace][1])


def test_every_page_is_in_the_matrix() -> None:
    pages = set().union(*(_names_in(area) for area in AREAS))
    listed = {name.removesuffix(":b") for name in EXPECTED}
    assert pages == listed


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_person_gets_the_expected_answer(world: World, name: str) -> None:
    url = _url(name, world)
    got = {}
    for person in PEOPLE:
        client = sign_in(Client(), world.users[person])
        got[person] = client.get(url).status_code
    assert got == dict(zip(PEOPLE, EXPECTED[name], strict=True)), url


def test_a_draft_briefing_is_hidden_from_readers(world: World) -> None:
    url = reverse("briefings:detail", args=[world.draft.pk])
    answers = [sign_in(Client(), world.users[person]).get(url).status_code for person in PEOPLE]
    assert answers == [200, 200, 404, 404, 404, 403]


def test_no_page_but_the_subject_page_names_the_person(world: World) -> None:
    client = sign_in(Client(), world.users["case_reviewer"])
    for name in EXPECTED:
        # The review page and the case put forward show their own restricted part to the case reviewer.
        if name in ("reviews:subject", "reviews:detail", "reviews:proposal") or EXPECTED[name][1] != 200:
            continue
        response = client.get(_url(name, world))
        body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        assert SUBJECT_NAME.encode() not in body, name
    # The case reviewer sees the name on the review page and the subject page, and each view is logged.
    before = AccessEvent.objects.count()
    assert SUBJECT_NAME in client.get(_url("reviews:detail", world)).text
    assert SUBJECT_NAME in client.get(_url("reviews:subject", world)).text
    assert AccessEvent.objects.count() == before + 2
    # The business unit officer runs the review but never sees who it is about.
    officer = sign_in(Client(), world.users["bu_officer"])
    assert SUBJECT_NAME not in officer.get(_url("reviews:detail", world)).text


def test_an_agency_updates_only_its_own_actions(world: World) -> None:
    lead_b = sign_in(Client(), world.users["lead_b"])
    refused = lead_b.post(
        reverse("actions:update-add", args=[world.action_a.pk]), {"update-text": "Not ours"}
    )
    assert refused.status_code == 404
    done = lead_b.post(
        reverse("actions:update-add", args=[world.action_b.pk]),
        {"update-text": "Training booked", "update-status": "in_progress"},
    )
    assert done.status_code == 302
    assert list(ActionUpdate.objects.values_list("action_id", "text")) == [
        (world.action_b.pk, "Training booked")
    ]
    # Readers of the tracker who may not update: the referrer sees A's action, and cannot write to it.
    referrer = sign_in(Client(), world.users["referrer_a"])
    assert (
        referrer.post(reverse("actions:update-add", args=[world.action_a.pk]), {"text": "x"}).status_code
        == 403
    )


def test_only_the_business_unit_closes_and_sends_back(world: World) -> None:
    for person in ("case_reviewer", "member_a", "lead_b", "referrer_a"):
        client = sign_in(Client(), world.users[person])
        for page in ("actions:close", "actions:send-back", "actions:impact"):
            answer = client.post(reverse(page, args=[world.action_a.pk]), {"reason": "x"}).status_code
            assert answer in (403, 404), (person, page, answer)
    world.action_a.refresh_from_db()
    assert world.action_a.closed_at is None and world.action_a.status == Action.Status.NOT_STARTED


def test_writes_to_a_review_are_refused_to_readers(world: World) -> None:
    member = sign_in(Client(), world.users["member_a"])
    for name in EXPECTED:
        if not name.startswith("reviews:") or EXPECTED[name] != MANAGERS or name == "reviews:profile":
            continue  # reviews:profile is a page to read (GET only) for people who run reviews
        assert member.post(_url(name, world), {}).status_code == 403, name
    assert CaseReview.objects.count() == 2


def test_the_review_page_links_its_briefing(world: World) -> None:
    member = sign_in(Client(), world.users["member_a"]).get(_url("reviews:detail", world)).text
    assert reverse("briefings:detail", args=[world.briefing.pk]) in member
    assert reverse("briefings:pdf", args=[world.briefing.pk]) in member
    assert "Write the 7-minute briefing" not in member  # a reader may not write one
    paused = reverse("reviews:detail", args=["W15"])
    officer = sign_in(Client(), world.users["bu_officer"]).get(paused).text
    # W15's briefing is a draft: the business unit sees it as one.
    assert reverse("briefings:detail", args=[world.draft.pk]) in officer and "(draft)" in " ".join(
        officer.split()
    )
