"""Auditing a round: the agencies' sections, independent grades, practitioners, the family's views and
escalations (services and refusals), who sees the child (only the case's auditors and the business unit,
only while the round is open, every view logged), and the case pages per persona."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from safeguarding.accesslog.models import AccessEvent
from safeguarding.audits.models import AuditCase, AuditRound, AuditSection, IndependentGrade
from safeguarding.audits.services import auditing as services
from safeguarding.audits.services.programme import AuditError
from safeguarding.audits.tests.auditing_support import SECRET_NAME, World, make_world
from safeguarding.core.attention import items_for
from safeguarding.core.testing import make_agency

pytestmark = pytest.mark.django_db

DAY = date(2023, 5, 10)


@pytest.fixture
def world() -> World:
    return make_world()


def _case_url(world: World) -> str:
    return reverse("audits:auditing_case", args=[world.case.code])


def _answers_url(world: World, section: AuditSection) -> str:
    return reverse("audits:auditing_answers", args=[world.case.code, section.pk])


def _identity_views(world: World) -> int:
    return AccessEvent.objects.filter(
        action=AccessEvent.Action.VIEW, subject_type="children.child", subject_id=str(world.case.child_id)
    ).count()


def _set_status(world: World, status: str) -> None:
    AuditRound.objects.filter(pk=world.round.pk).update(status=status)
    world.round.refresh_from_db()
    world.case.refresh_from_db()


# --- Sections ---------------------------------------------------------------------------------------------


def test_a_draft_keeps_the_answers_given(world: World) -> None:
    section = services.section_save(
        actor=world.auditor_a,
        section=world.section_a,
        answers={world.graded.pk: "good", str(world.free_text.pk): "  Late plans.  ", world.yes_no.pk: ""},
        summary="Our part",
    )
    assert section.status == AuditSection.Status.IN_PROGRESS
    assert section.answers == {str(world.graded.pk): "good", str(world.free_text.pk): "Late plans."}
    assert section.summary == "Our part"
    assert section.submitted_at is None


def test_a_rounds_questions_are_numbered_straight_through_core_then_theme(world: World) -> None:
    questions = services.round_questions(world.round)
    assert [q.pk for q in questions] == [
        world.graded.pk,
        world.yes_no.pk,
        world.free_text.pk,
        world.theme_graded.pk,
    ]
    assert [q.number_in_round for q in questions] == [1, 2, 3, 4]
    assert world.theme_graded.position == 1  # its place in the theme tool is unchanged


def test_submitting_needs_every_graded_and_yes_no_answer(world: World) -> None:
    partial = {str(world.graded.pk): "good", str(world.theme_graded.pk): "good"}
    with pytest.raises(AuditError) as refused:
        services.section_save(actor=world.auditor_a, section=world.section_a, answers=partial, submit=True)
    assert refused.value.field == f"q_{world.yes_no.pk}"
    answers = world.full_answers()
    del answers[str(world.free_text.pk)]  # free text may be left empty
    section = services.section_save(
        actor=world.auditor_a, section=world.section_a, answers=answers, submit=True
    )
    assert section.status == AuditSection.Status.SUBMITTED
    assert section.submitted_at is not None


@pytest.mark.parametrize(
    ("question", "value", "message"),
    [
        ("graded", "excellent", "four grades"),
        ("theme_graded", "yes", "four grades"),
        ("yes_no", "maybe", "yes, no or partly"),
        ("free_text", "x" * 5001, "5,000 characters"),
    ],
)
def test_answers_are_checked_against_the_questions(
    world: World, question: str, value: str, message: str
) -> None:
    asked = getattr(world, question)
    with pytest.raises(AuditError, match=message) as refused:
        services.section_save(actor=world.auditor_a, section=world.section_a, answers={asked.pk: value})
    assert refused.value.field == f"q_{asked.pk}"


def test_free_text_of_exactly_5000_characters_is_fine(world: World) -> None:
    services.section_save(
        actor=world.auditor_a, section=world.section_a, answers={world.free_text.pk: "y" * 5000}
    )


def test_a_question_not_in_the_round_is_refused(world: World) -> None:
    with pytest.raises(AuditError, match="not in this round"):
        services.section_save(actor=world.auditor_a, section=world.section_a, answers={999999: "good"})


def test_a_submitted_section_is_read_only_until_the_business_unit_reopens_it(world: World) -> None:
    services.section_save(
        actor=world.auditor_a, section=world.section_a, answers=world.full_answers(), submit=True
    )
    with pytest.raises(AuditError, match="reopen"):
        services.section_save(actor=world.auditor_a, section=world.section_a, answers={})
    with pytest.raises(PermissionDenied):
        services.section_reopen(actor=world.auditor_a, section=world.section_a)
    reopened = services.section_reopen(actor=world.bu, section=world.section_a)
    assert reopened.status == AuditSection.Status.IN_PROGRESS and reopened.submitted_at is None
    with pytest.raises(AuditError, match="Only a submitted section"):
        services.section_reopen(actor=world.bu, section=world.section_a)
    services.section_save(
        actor=world.auditor_a, section=world.section_a, answers={world.graded.pk: "inadequate"}
    )


def test_only_the_sections_auditor_or_the_business_unit_may_save_it(world: World) -> None:
    for someone in (world.auditor_b, world.other_auditor, world.pqa_member, world.personas.a_readonly):
        with pytest.raises(PermissionDenied):
            services.section_save(actor=someone, section=world.section_a, answers={})
    services.section_save(actor=world.bu, section=world.section_a, answers={world.graded.pk: "good"})


@pytest.mark.parametrize("status", [AuditRound.Status.PLANNED, AuditRound.Status.MODERATION])
def test_sections_change_only_while_the_round_is_open(world: World, status: str) -> None:
    _set_status(world, status)
    with pytest.raises(AuditError, match="only while the round is open"):
        services.section_save(actor=world.auditor_a, section=world.section_a, answers={})


# --- Independent grades -----------------------------------------------------------------------------------


def test_independent_grade_once_per_person(world: World) -> None:
    grade = services.independent_grade_record(
        actor=world.auditor_a, case=world.case, grade="good", graded_on=DAY
    )
    assert grade.grader == world.auditor_a
    with pytest.raises(AuditError, match="already graded"):
        services.independent_grade_record(actor=world.auditor_a, case=world.case, grade="good", graded_on=DAY)
    services.independent_grade_record(
        actor=world.auditor_b, case=world.case, grade="inadequate", graded_on=DAY
    )
    services.independent_grade_record(actor=world.bu, case=world.case, grade="good", graded_on=DAY)
    assert IndependentGrade.objects.filter(case=world.case).count() == 3


def test_independent_grade_refusals(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.independent_grade_record(
            actor=world.other_auditor, case=world.case, grade="good", graded_on=DAY
        )
    with pytest.raises(AuditError, match="four grades") as refused:
        services.independent_grade_record(actor=world.auditor_a, case=world.case, grade="fine", graded_on=DAY)
    assert refused.value.field == "grade"
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(AuditError, match="future"):
        services.independent_grade_record(
            actor=world.auditor_a, case=world.case, grade="good", graded_on=tomorrow
        )
    _set_status(world, AuditRound.Status.MODERATION)
    with pytest.raises(AuditError, match="open"):
        services.independent_grade_record(actor=world.auditor_a, case=world.case, grade="good", graded_on=DAY)


# --- Practitioners and the family -------------------------------------------------------------------------


def test_an_auditor_invites_their_own_agencys_practitioners(world: World) -> None:
    invitation = services.practitioner_invite(
        actor=world.auditor_a,
        case=world.case,
        agency=world.personas.agency_a,
        role="Class teacher",
        invited_on=DAY,
    )
    assert invitation.attendance == "invited"
    with pytest.raises(PermissionDenied):
        services.practitioner_invite(
            actor=world.auditor_a, case=world.case, agency=world.personas.agency_b, role="GP", invited_on=DAY
        )
    services.practitioner_invite(
        actor=world.bu, case=world.case, agency=world.personas.agency_b, role="GP", invited_on=DAY
    )
    with pytest.raises(AuditError, match="agencies involved"):
        services.practitioner_invite(
            actor=world.bu, case=world.case, agency=make_agency(), role="GP", invited_on=DAY
        )
    with pytest.raises(AuditError, match="role") as refused:
        services.practitioner_invite(
            actor=world.auditor_a, case=world.case, agency=world.personas.agency_a, role="  ", invited_on=DAY
        )
    assert refused.value.field == "role"
    with pytest.raises(PermissionDenied):
        services.practitioner_invite(
            actor=world.other_auditor, case=world.case, agency=make_agency(), role="GP", invited_on=DAY
        )


def test_attendance_and_reflections(world: World) -> None:
    invitation = services.practitioner_invite(
        actor=world.auditor_a,
        case=world.case,
        agency=world.personas.agency_a,
        role="Class teacher",
        invited_on=DAY,
    )
    with pytest.raises(AuditError, match="only for a practitioner who took part") as refused:
        services.practitioner_attendance_record(
            actor=world.auditor_a, invitation=invitation, attendance="declined", reflections="Busy"
        )
    assert refused.value.field == "reflections"
    with pytest.raises(AuditError):
        services.practitioner_attendance_record(
            actor=world.auditor_a, invitation=invitation, attendance="maybe"
        )
    with pytest.raises(PermissionDenied):
        services.practitioner_attendance_record(
            actor=world.auditor_b, invitation=invitation, attendance="attended"
        )
    done = services.practitioner_attendance_record(
        actor=world.auditor_a,
        invitation=invitation,
        attendance="attended",
        reflections="I would share sooner.",
    )
    assert done.attendance == "attended" and done.reflections == "I would share sooner."


def test_family_views(world: World) -> None:
    with pytest.raises(AuditError, match="what the child and family said"):
        services.family_views_record(actor=world.auditor_a, case=world.case, family_views="sought")
    with pytest.raises(AuditError, match="not sought"):
        services.family_views_record(
            actor=world.auditor_a, case=world.case, family_views="not_sought", summary="Something"
        )
    with pytest.raises(PermissionDenied):
        services.family_views_record(actor=world.pqa_member, case=world.case, family_views="declined")
    case = services.family_views_record(
        actor=world.auditor_b, case=world.case, family_views="sought", summary="Mum felt listened to."
    )
    assert case.family_views == AuditCase.FamilyViews.SOUGHT
    assert case.family_views_summary == "Mum felt listened to."


# --- Escalation -------------------------------------------------------------------------------------------


def _escalate(world: World, actor: object, **changes: object) -> object:
    fields: dict[str, object] = {
        "raised_on": DAY,
        "concern": "Bruising not explained",
        "acting_agency": world.personas.agency_b,
        "acted_by": "Duty social worker",
        "action_taken": "Strategy discussion held",
        "acted_on": DAY,
    }
    fields.update(changes)
    return services.escalation_record(actor=actor, case=world.case, **fields)  # type: ignore[arg-type]


def test_escalation_is_recorded_with_who_acted(world: World) -> None:
    escalation = _escalate(world, world.auditor_a)
    assert escalation.raised_by == world.auditor_a  # type: ignore[attr-defined]
    assert _escalate(world, world.bu).acted_by == "Duty social worker"  # type: ignore[attr-defined]


def test_escalation_refusals(world: World) -> None:
    with pytest.raises(AuditError, match="before the date raised") as refused:
        _escalate(world, world.auditor_a, acted_on=DAY - timedelta(days=1))
    assert refused.value.field == "acted_on"
    with pytest.raises(AuditError, match="future"):
        _escalate(world, world.auditor_a, raised_on=timezone.localdate() + timedelta(days=1))
    with pytest.raises(AuditError, match="who acted"):
        _escalate(world, world.auditor_a, acted_by=" ")
    for someone in (world.other_auditor, world.pqa_member, world.personas.a_readonly):
        with pytest.raises(PermissionDenied):
            _escalate(world, someone)
    _set_status(world, AuditRound.Status.REPORTED)
    with pytest.raises(AuditError, match="open"):
        _escalate(world, world.auditor_a)


# --- Who sees the child -----------------------------------------------------------------------------------


def test_the_cases_auditor_sees_the_child_and_each_view_is_logged(world: World) -> None:
    client = world.client("auditor_a")
    response = client.get(_case_url(world))
    assert response.status_code == 200
    assert SECRET_NAME[0] in response.text and SECRET_NAME[1] in response.text
    assert 'id="journey"' in response.text
    assert _identity_views(world) == 1
    event = AccessEvent.objects.latest("id")
    assert event.actor == world.auditor_a and world.case.code in event.purpose
    client.get(_case_url(world))
    assert _identity_views(world) == 2
    world.client("auditor_b").get(_case_url(world))
    assert _identity_views(world) == 3


def test_another_agencys_auditor_gets_a_404_and_sees_nothing(world: World) -> None:
    response = world.client("other_auditor").get(_case_url(world))
    assert response.status_code == 404
    assert SECRET_NAME[0] not in response.text
    assert _identity_views(world) == 0


@pytest.mark.parametrize("persona", ["pqa_member", "a_readonly", "a_worker", "sysadmin"])
def test_people_who_do_not_audit_get_a_403_and_never_the_child(world: World, persona: str) -> None:
    for url in (
        _case_url(world),
        reverse("audits:auditing_grade", args=[world.case.code]),
        reverse("audits:auditing_invite", args=[world.case.code]),
        reverse("audits:auditing_family_views", args=[world.case.code]),
        reverse("audits:auditing_escalation", args=[world.case.code]),
        reverse("audits:auditing_my_cases"),
    ):
        response = world.client(persona).get(url)
        assert response.status_code == 403, url
        assert SECRET_NAME[1] not in response.text
    assert world.client(persona).post(_answers_url(world, world.section_a), {}).status_code == 403
    assert _identity_views(world) == 0


@pytest.mark.parametrize("status", [AuditRound.Status.REPORTED, AuditRound.Status.PLANNED])
def test_no_identity_while_the_round_is_not_open(world: World, status: str) -> None:
    _set_status(world, status)
    for persona in ("auditor_a", "bu_officer"):
        response = world.client(persona).get(_case_url(world))
        assert response.status_code == 200
        assert SECRET_NAME[1] not in response.text
        assert 'id="identity-hidden"' in response.text
    assert _identity_views(world) == 0


def test_identity_at_moderation_is_still_shown_to_the_auditor(world: World) -> None:
    _set_status(world, AuditRound.Status.MODERATION)
    assert SECRET_NAME[1] in world.client("auditor_a").get(_case_url(world)).text
    assert _identity_views(world) == 1


def test_the_business_unit_sees_the_child_only_with_two_factor_sign_in(world: World) -> None:
    response = world.client("bu_officer", two_factor=False).get(_case_url(world))
    assert response.status_code == 200 and SECRET_NAME[1] not in response.text
    assert _identity_views(world) == 0
    response = world.client("bu_officer").get(_case_url(world))
    assert SECRET_NAME[1] in response.text
    assert _identity_views(world) == 1


def test_an_auditor_must_sign_in_with_two_factors(world: World) -> None:
    response = world.client("auditor_a", two_factor=False).get(_case_url(world))
    assert response.status_code == 302 and "two-factor" in response["Location"]
    assert _identity_views(world) == 0


# --- My cases ---------------------------------------------------------------------------------------------


def test_my_cases_lists_the_auditors_own_sections(world: World) -> None:
    response = world.client("auditor_a").get(reverse("audits:auditing_my_cases"))
    assert response.status_code == 200
    assert world.case.code in response.text and world.round.code in response.text
    assert "Not started" in response.text and "1 June 2023" in response.text
    assert SECRET_NAME[1] not in response.text
    other = world.client("other_auditor").get(reverse("audits:auditing_my_cases"))
    assert other.status_code == 200 and world.case.code not in other.text
    # The business unit runs rounds but audits no sections: the page is for auditors.
    assert world.client("bu_officer").get(reverse("audits:auditing_my_cases")).status_code == 403


def test_my_cases_leaves_out_rounds_not_open(world: World) -> None:
    _set_status(world, AuditRound.Status.REPORTED)
    response = world.client("auditor_a").get(reverse("audits:auditing_my_cases"))
    assert world.case.code not in response.text


# --- The answers form -------------------------------------------------------------------------------------


def _post_data(world: World, section: AuditSection, answers: dict[str, str], **extra: str) -> dict[str, str]:
    prefix = f"section{section.pk}"
    data = {f"{prefix}-q_{key}": value for key, value in answers.items()}
    data.update({f"{prefix}-{key}": value for key, value in extra.items()})
    return data


def test_submitting_with_gaps_redisplays_the_form_losing_nothing(world: World) -> None:
    client = world.client("auditor_a")
    answers = {
        str(world.graded.pk): "requires_improvement",
        str(world.free_text.pk): "The school was not invited to the strategy meeting.",
    }
    data = _post_data(world, world.section_a, answers, summary="Our summary stays")
    response = client.post(_answers_url(world, world.section_a), {**data, "action": "submit"})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    # Numbered straight through the round: the core tool's 1-3, then the theme tool's first is 4.
    assert "Answer question 2 before submitting" in response.text
    assert "Answer question 4 before submitting" in response.text
    assert "Answer question 1 before submitting" not in response.text
    assert f"4. {world.theme_graded.text}" in response.text
    assert "The school was not invited to the strategy meeting." in response.text
    assert "Our summary stays" in response.text
    assert '<option value="requires_improvement" selected>' in response.text
    world.section_a.refresh_from_db()
    assert world.section_a.status == AuditSection.Status.NOT_STARTED and world.section_a.answers == {}


def test_a_wrong_choice_is_marked_beside_its_question(world: World) -> None:
    data = _post_data(world, world.section_a, {str(world.graded.pk): "brilliant"}, summary="Kept")
    response = world.client("auditor_a").post(
        _answers_url(world, world.section_a), {**data, "action": "save"}
    )
    assert response.status_code == 200
    assert "Select from the list" in response.text
    assert f'id="id_section{world.section_a.pk}-q_{world.graded.pk}-error"' in response.text
    assert "Kept" in response.text


def test_save_as_draft_then_submit(world: World) -> None:
    client = world.client("auditor_a")
    data = _post_data(world, world.section_a, {str(world.graded.pk): "good"}, summary="Draft")
    response = client.post(_answers_url(world, world.section_a), {**data, "action": "save"})
    assert response.status_code == 302
    world.section_a.refresh_from_db()
    assert world.section_a.status == AuditSection.Status.IN_PROGRESS
    page = client.get(_case_url(world)).text
    assert '<option value="good" selected>' in page and "Draft" in page
    data = _post_data(world, world.section_a, world.full_answers(), summary="Final")
    assert client.post(_answers_url(world, world.section_a), {**data, "action": "submit"}).status_code == 302
    world.section_a.refresh_from_db()
    assert world.section_a.status == AuditSection.Status.SUBMITTED
    page = client.get(_case_url(world)).text
    assert "Save as draft" not in page and "Requires improvement" in page


def test_the_answers_form_refuses_another_auditors_section(world: World) -> None:
    response = world.client("auditor_a").post(_answers_url(world, world.section_b), {"action": "save"})
    assert response.status_code == 404
    response = world.client("other_auditor").post(_answers_url(world, world.section_a), {"action": "save"})
    assert response.status_code == 404


def test_other_agencies_sections_show_after_your_own_is_submitted(world: World) -> None:
    services.section_save(
        actor=world.auditor_b,
        section=world.section_b,
        answers={**world.full_answers(), str(world.free_text.pk): "Words from agency B"},
        submit=True,
    )
    client = world.client("auditor_a")
    assert "Words from agency B" not in client.get(_case_url(world)).text
    services.section_save(
        actor=world.auditor_a, section=world.section_a, answers=world.full_answers(), submit=True
    )
    assert "Words from agency B" in client.get(_case_url(world)).text


def test_an_unsubmitted_section_of_another_agency_stays_hidden(world: World) -> None:
    services.section_save(
        actor=world.auditor_b, section=world.section_b, answers={world.free_text.pk: "Agency B draft"}
    )
    services.section_save(
        actor=world.auditor_a, section=world.section_a, answers=world.full_answers(), submit=True
    )
    assert "Agency B draft" not in world.client("auditor_a").get(_case_url(world)).text
    # The business unit sees every section, drafts included.
    assert "Agency B draft" in world.client("bu_officer").get(_case_url(world)).text


# --- The other forms on the case page ---------------------------------------------------------------------


def test_the_independent_grade_page(world: World) -> None:
    url = reverse("audits:auditing_grade", args=[world.case.code])
    client = world.client("auditor_a")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"grade": "good", "graded_on_0": "10", "graded_on_1": "5", "graded_on_2": "2023"}
    )
    assert response.status_code == 302
    again = client.post(
        url, {"grade": "inadequate", "graded_on_0": "10", "graded_on_1": "5", "graded_on_2": "2023"}
    )
    assert again.status_code == 200 and "already graded" in again.text
    assert world.client("other_auditor").get(url).status_code == 404


def test_independent_grades_are_hidden_from_the_other_auditor(world: World) -> None:
    services.independent_grade_record(
        actor=world.auditor_a, case=world.case, grade="outstanding", graded_on=DAY
    )
    assert (
        "You graded this case <strong>Outstanding</strong>"
        in world.client("auditor_a").get(_case_url(world)).text
    )
    page = world.client("auditor_b").get(_case_url(world)).text
    assert "You graded this case" not in page and "<strong>Outstanding</strong>" not in page


def test_the_practitioner_pages(world: World) -> None:
    client = world.client("auditor_a")
    url = reverse("audits:auditing_invite", args=[world.case.code])
    page = client.get(url)
    assert page.status_code == 200
    assert "Agency A" in page.text and "Agency B" not in page.text  # only their own agency
    response = client.post(
        url,
        {
            "agency": world.personas.agency_a.pk,
            "role": "",
            "invited_on_0": "1",
            "invited_on_1": "5",
            "invited_on_2": "2023",
        },
    )
    assert response.status_code == 200 and "Enter the practitioner&#x27;s role" in response.text
    response = client.post(
        url,
        {
            "agency": world.personas.agency_a.pk,
            "role": "Head of year",
            "invited_on_0": "1",
            "invited_on_1": "5",
            "invited_on_2": "2023",
        },
    )
    assert response.status_code == 302
    invitation = world.case.practitioners.get()
    attend = reverse("audits:auditing_attendance", args=[world.case.code, invitation.pk])
    response = client.post(attend, {"attendance": "declined", "reflections": "Typed anyway"})
    assert response.status_code == 200 and "Typed anyway" in response.text
    assert client.post(attend, {"attendance": "attended", "reflections": "Useful"}).status_code == 302
    assert "Useful" in client.get(_case_url(world)).text
    assert world.client("auditor_b").post(attend, {"attendance": "declined"}).status_code == 403
    assert world.client("other_auditor").get(attend).status_code == 404


def test_the_family_views_page(world: World) -> None:
    url = reverse("audits:auditing_family_views", args=[world.case.code])
    client = world.client("auditor_b")
    response = client.post(url, {"family_views": "sought", "summary": ""})
    assert response.status_code == 200 and "Write what the child and family said" in response.text
    assert client.post(url, {"family_views": "sought", "summary": "Felt heard"}).status_code == 302
    assert "Felt heard" in client.get(_case_url(world)).text


def test_the_escalation_page_and_the_banner(world: World) -> None:
    url = reverse("audits:auditing_escalation", args=[world.case.code])
    client = world.client("auditor_a")
    data = {
        "raised_on_0": "10",
        "raised_on_1": "5",
        "raised_on_2": "2023",
        "concern": "Unexplained bruising",
        "acting_agency": world.personas.agency_b.pk,
        "acted_by": "Duty social worker",
        "action_taken": "Home visit the same day",
        "acted_on_0": "9",
        "acted_on_1": "5",
        "acted_on_2": "2023",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "cannot be before the date raised" in response.text
    assert "Unexplained bruising" in response.text
    assert client.post(url, {**data, "acted_on_0": "10"}).status_code == 302
    page = client.get(_case_url(world)).text
    assert 'id="escalations"' in page and "Home visit the same day" in page


def test_the_reopen_page_is_for_the_business_unit(world: World) -> None:
    services.section_save(
        actor=world.auditor_a, section=world.section_a, answers=world.full_answers(), submit=True
    )
    url = reverse("audits:auditing_reopen", args=[world.case.code, world.section_a.pk])
    assert world.client("auditor_a").get(url).status_code == 403
    assert world.client("pqa_member").get(url).status_code == 403
    client = world.client("bu_officer")
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 302
    world.section_a.refresh_from_db()
    assert world.section_a.status == AuditSection.Status.IN_PROGRESS


# --- Home page --------------------------------------------------------------------------------------------


def test_auditors_see_their_sections_to_complete(world: World) -> None:
    [item] = [i for i in items_for(world.auditor_a) if i.title == "Audit sections to complete"]
    assert item.count == 1 and world.case.code in item.detail
    assert item.href == reverse("audits:auditing_my_cases")
    services.section_save(
        actor=world.auditor_a, section=world.section_a, answers=world.full_answers(), submit=True
    )
    assert not [i for i in items_for(world.auditor_a) if i.title == "Audit sections to complete"]
    assert not [i for i in items_for(world.pqa_member) if "Audit" in i.title or "moderation" in i.title]
