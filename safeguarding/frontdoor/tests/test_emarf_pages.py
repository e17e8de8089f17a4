"""The front door's landing page and the eMARF: drafts, each section's page and its errors, check your
answers, sending (once, however often the button is pressed) and the confirmation."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import NoReverseMatch, reverse

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accounts.models import Membership
from safeguarding.core.testing import Personas, make_user, sign_in
from safeguarding.frontdoor.models import Contact, ReferralDraft
from safeguarding.frontdoor.tests.test_emarf_support import complete_answers, make_draft

pytestmark = pytest.mark.django_db


def _tasks(draft: ReferralDraft) -> str:
    return reverse("frontdoor:emarf-tasks", args=[draft.pk])


def _step(draft: ReferralDraft, section: str) -> str:
    return reverse("frontdoor:emarf-step", args=[draft.pk, section])


def _check(draft: ReferralDraft) -> str:
    return reverse("frontdoor:emarf-check", args=[draft.pk])


def _new_draft(personas: Personas, **answers: Any) -> ReferralDraft:
    return ReferralDraft.objects.create(
        owner=personas.a_readonly, agency=personas.agency_a, answers={"sections_done": [], **answers}
    )


def _error_links(page: str) -> list[str]:
    summary = page[page.index("govuk-error-summary") : page.index("</ul>", page.index("govuk-error-summary"))]
    return [part.split('"', 1)[0] for part in summary.split('href="')[1:]]


# --- The landing page -----------------------------------------------------------------------------------


def test_landing_page_offers_a_referrer_the_form_and_their_referrals(personas: Personas) -> None:
    page = personas.client("a_readonly").get(reverse("frontdoor:home")).content.decode()
    assert "If a child is in immediate danger, call 999 now" in page
    assert f'href="{reverse("frontdoor:emarf-start")}"' in page
    assert "Your referrals" in page
    assert "The MASH queue" not in page


def test_landing_page_offers_an_agency_lead_the_agencys_referrals(personas: Personas) -> None:
    page = personas.client("a_worker").get(reverse("frontdoor:home")).content.decode()
    assert "Your agency&#x27;s referrals" in page
    assert "Make a referral" in page


def test_landing_page_for_a_role_without_referrals_offers_neither(personas: Personas) -> None:
    response = personas.client("bu_officer").get(reverse("frontdoor:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("frontdoor:emarf-start") not in page
    assert reverse("frontdoor:referral-list") not in page
    assert "Your roles do not include making or following referrals" in page
    assert "call 999" in page


def test_landing_page_links_the_mash_pages_for_the_mash_only(personas: Personas) -> None:
    practitioner = make_user("mash_practitioner", personas.business_unit)
    client = Client()
    page = sign_in(client, practitioner).get(reverse("frontdoor:home")).content.decode()
    assert "All referrals" in page
    for url_name in ("frontdoor:queue", "frontdoor:measures"):
        try:
            href = reverse(url_name)
        except NoReverseMatch:
            continue
        assert f'href="{href}"' in page
        assert (
            f'href="{href}"'
            not in personas.client("a_worker").get(reverse("frontdoor:home")).content.decode()
        )


def test_landing_page_is_the_front_door_areas_page(personas: Personas) -> None:
    page = personas.client("a_readonly").get(reverse("core:home")).content.decode()
    assert f'href="{reverse("frontdoor:home")}"' in page
    assert personas.client("a_readonly").post(reverse("frontdoor:home")).status_code == 405


# --- Starting and managing drafts -----------------------------------------------------------------------


def test_starting_a_referral_makes_a_draft_for_the_one_agency(personas: Personas) -> None:
    personas.a_readonly.phone = "01922 000000"
    personas.a_readonly.save()
    client = personas.client("a_readonly")
    page = client.get(reverse("frontdoor:emarf-start")).content.decode()
    assert "You are referring for <strong>Agency A</strong>" in page
    response = client.post(reverse("frontdoor:emarf-start"))
    draft = ReferralDraft.objects.get(owner=personas.a_readonly)
    assert response["Location"] == _tasks(draft)
    assert draft.agency == personas.agency_a
    assert draft.answers["referrer_phone"] == "01922 000000"
    assert AccessEvent.objects.filter(action="create", subject_type="frontdoor.referraldraft").exists()


def test_someone_referring_for_two_agencies_is_asked_which(personas: Personas) -> None:
    Membership.objects.create(user=personas.a_readonly, agency=personas.agency_b, role="referrer")
    client = personas.client("a_readonly")
    page = client.get(reverse("frontdoor:emarf-start")).content.decode()
    assert "Which agency are you referring for?" in page
    refused = client.post(reverse("frontdoor:emarf-start"))
    assert refused.status_code == 200
    assert "Select the agency you are referring for" in refused.content.decode()
    assert _error_links(refused.content.decode()) == ["#id_agency"]
    # An agency they don't refer for is not a choice.
    assert (
        client.post(reverse("frontdoor:emarf-start"), {"agency": personas.business_unit.pk}).status_code
        == 200
    )
    assert not ReferralDraft.objects.exists()
    client.post(reverse("frontdoor:emarf-start"), {"agency": personas.agency_b.pk})
    assert ReferralDraft.objects.get().agency == personas.agency_b


def test_drafts_are_listed_to_their_owner_to_continue_or_delete(personas: Personas) -> None:
    mine = make_draft(personas.a_readonly, personas.agency_a)
    other = make_draft(personas.a_worker, personas.agency_a, children=[])
    client = personas.client("a_readonly")
    page = client.get(reverse("frontdoor:emarf-start")).content.decode()
    assert "Amy T., Unborn baby T." in page
    assert _tasks(mine) in page
    assert reverse("frontdoor:emarf-delete", args=[mine.pk]) in page
    assert _tasks(other) not in page
    delete_url = reverse("frontdoor:emarf-delete", args=[mine.pk])
    assert "Are you sure you want to delete this draft referral?" in client.get(delete_url).content.decode()
    response = client.post(delete_url)
    assert response["Location"] == reverse("frontdoor:emarf-start")
    assert not ReferralDraft.objects.filter(pk=mine.pk).exists()
    assert ReferralDraft.objects.filter(pk=other.pk).exists()
    assert AccessEvent.objects.filter(action="delete", subject_id=str(mine.pk)).exists()


def test_a_person_may_keep_several_drafts(personas: Personas) -> None:
    client = personas.client("a_readonly")
    client.post(reverse("frontdoor:emarf-start"))
    client.post(reverse("frontdoor:emarf-start"))
    assert ReferralDraft.objects.filter(owner=personas.a_readonly).count() == 2


def test_roles_without_referral_submit_may_not_use_the_form(personas: Personas) -> None:
    practitioner = make_user("mash_practitioner", personas.business_unit)
    draft = make_draft(personas.a_readonly, personas.agency_a)
    for client in (personas.client("bu_officer"), sign_in(Client(), practitioner)):
        assert client.get(reverse("frontdoor:emarf-start")).status_code == 403
        assert client.post(reverse("frontdoor:emarf-start")).status_code == 403
        assert client.get(_tasks(draft)).status_code == 403
        assert client.post(_check(draft)).status_code == 403


def test_someone_elses_draft_is_not_found(personas: Personas) -> None:
    draft = make_draft(personas.a_readonly, personas.agency_a)
    urls = [
        _tasks(draft),
        _step(draft, "referrer"),
        _check(draft),
        reverse("frontdoor:emarf-children", args=[draft.pk]),
        reverse("frontdoor:emarf-child", args=[draft.pk, 0]),
        reverse("frontdoor:emarf-household", args=[draft.pk]),
        reverse("frontdoor:emarf-attachments", args=[draft.pk]),
        reverse("frontdoor:emarf-delete", args=[draft.pk]),
    ]
    for name in ("a_worker", "b_worker"):
        client = personas.client(name)
        for url in urls:
            assert client.get(url).status_code == 404, url
        assert client.post(_check(draft)).status_code == 404
        assert client.post(reverse("frontdoor:emarf-delete", args=[draft.pk])).status_code == 404
    assert ReferralDraft.objects.filter(pk=draft.pk).exists()
    assert not Contact.objects.exists()


def test_the_form_needs_two_factor_sign_in(personas: Personas) -> None:
    client = personas.client("a_readonly", two_factor=False)
    response = client.get(reverse("frontdoor:emarf-start"))
    assert response.status_code == 302
    assert "two-factor" in response["Location"]


def test_pages_answer_only_the_methods_they_use(personas: Personas) -> None:
    draft = make_draft(personas.a_readonly, personas.agency_a)
    client = personas.client("a_readonly")
    assert client.put(reverse("frontdoor:emarf-start")).status_code == 405
    assert client.post(_tasks(draft)).status_code == 405
    assert client.delete(_step(draft, "worry")).status_code == 405
    assert client.put(_check(draft)).status_code == 405
    assert client.get(reverse("frontdoor:emarf-attachment-remove", args=[draft.pk, 0])).status_code == 405
    assert client.post(reverse("frontdoor:referral-list")).status_code == 405


def test_unknown_section_is_not_found(personas: Personas) -> None:
    draft = _new_draft(personas)
    assert personas.client("a_readonly").get(_step(draft, "secrets")).status_code == 404


# --- The task list ---------------------------------------------------------------------------------------


def test_task_list_shows_each_sections_status(personas: Personas) -> None:
    draft = _new_draft(personas, concerns=["neglect"])
    page = personas.client("a_readonly").get(_tasks(draft)).content.decode()
    assert "You have completed 0 of 7 sections" in page
    assert page.count("Not yet started") == 6
    assert "In progress" in page  # the worry section has an answer but isn't finished
    assert "Cannot start yet" in page
    assert _check(draft) not in page
    done = make_draft(personas.a_readonly, personas.agency_a)
    page = personas.client("a_readonly").get(_tasks(done)).content.decode()
    assert "You have completed 7 of 7 sections" in page
    assert _check(done) in page


# --- The single-page sections ----------------------------------------------------------------------------


def test_referrer_section_shows_the_account_and_asks_for_a_phone_number(personas: Personas) -> None:
    personas.a_readonly.job_title = "Class teacher"
    personas.a_readonly.save()
    draft = _new_draft(personas, referrer_phone="")
    client = personas.client("a_readonly")
    page = client.get(_step(draft, "referrer")).content.decode()
    assert "Alan Reader" in page and "Class teacher" in page and "Agency A" in page
    refused = client.post(_step(draft, "referrer"), {"referrer_phone": ""})
    assert "Enter your phone number" in refused.content.decode()
    assert _error_links(refused.content.decode()) == ["#id_referrer_phone"]
    assert "<title>Error: Your details" in refused.content.decode()
    response = client.post(_step(draft, "referrer"), {"referrer_phone": "01922 111111"})
    assert response["Location"] == _tasks(draft)
    draft.refresh_from_db()
    assert draft.answers["referrer_phone"] == "01922 111111"
    assert "referrer" in draft.answers["sections_done"]


def test_worry_section_needs_a_worry_and_what_happened(personas: Personas) -> None:
    draft = _new_draft(personas)
    client = personas.client("a_readonly")
    refused = client.post(_step(draft, "worry"), {"when_happened": "Monday"})
    page = refused.content.decode()
    assert "Select at least one worry" in page
    assert "Describe what happened" in page
    assert _error_links(page) == ["#id_concerns", "#id_what_happened"]
    assert 'id="id_concerns"' in page  # the first checkbox carries the id the summary links to
    assert "Monday" in page  # what they typed is kept
    client.post(
        _step(draft, "worry"),
        {
            "concerns": ["neglect", "cse"],
            "what_happened": "Hungry and tired.",
            "child_views": "<b>scared</b>",
        },
    )
    draft.refresh_from_db()
    assert draft.answers["concerns"] == ["neglect", "cse"]
    assert draft.answers["child_views"] == "<b>scared</b>"
    page = client.get(_step(draft, "worry")).content.decode()
    assert 'value="cse" checked' in page
    assert "&lt;b&gt;scared&lt;/b&gt;" in page


def test_level_section_shows_the_descriptors_and_accepts_not_sure(personas: Personas) -> None:
    draft = _new_draft(personas)
    client = personas.client("a_readonly")
    page = client.get(_step(draft, "level")).content.decode()
    assert "Several needs that need a multi-agency early help assessment and plan." in page
    assert "Select the level of need" in client.post(_step(draft, "level"), {}).content.decode()
    client.post(_step(draft, "level"), {"referrer_level": "not_sure"})
    draft.refresh_from_db()
    assert draft.answers["referrer_level"] is None
    assert "level" in draft.answers["sections_done"]
    assert 'value="not_sure" checked' in client.get(_step(draft, "level")).content.decode()
    client.post(_step(draft, "level"), {"referrer_level": "4"})
    draft.refresh_from_db()
    assert draft.answers["referrer_level"] == 4


def test_immediate_danger_asks_them_to_call_999_first(personas: Personas) -> None:
    draft = _new_draft(personas)
    client = personas.client("a_readonly")
    page = client.get(_step(draft, "danger")).content.decode()
    assert "call 999 first, before you finish this referral" in page
    refused = client.post(_step(draft, "danger"), {"immediate_danger": "yes"}).content.decode()
    assert "If a child is in immediate danger, call 999 first, then confirm you have called" in refused
    assert _error_links(refused) == ["#id_called_999"]
    assert (
        "Select yes if a child is in immediate danger"
        in client.post(_step(draft, "danger"), {}).content.decode()
    )
    client.post(_step(draft, "danger"), {"immediate_danger": "yes", "called_999": "on"})
    draft.refresh_from_db()
    assert draft.answers["immediate_danger"] is True and draft.answers["called_999"] is True
    client.post(_step(draft, "danger"), {"immediate_danger": "no", "called_999": "on"})
    draft.refresh_from_db()
    assert draft.answers["immediate_danger"] is False and draft.answers["called_999"] is False


def test_consent_needs_a_reason_when_parents_have_not_agreed(personas: Personas) -> None:
    draft = _new_draft(personas)
    client = personas.client("a_readonly")
    refused = client.post(
        _step(draft, "consent"), {"parents_aware": "no", "consent": "refused"}
    ).content.decode()
    assert "Select why the parents have not agreed to this referral, or were not asked" in refused
    assert _error_links(refused) == ["#id_no_consent_reason"]
    other = client.post(
        _step(draft, "consent"), {"parents_aware": "no", "consent": "refused", "no_consent_reason": "other"}
    ).content.decode()
    assert "Explain why the parents have not agreed, or were not asked" in other
    client.post(
        _step(draft, "consent"),
        {"parents_aware": "yes", "consent": "given", "no_consent_reason": "other", "no_consent_detail": "x"},
    )
    draft.refresh_from_db()
    assert draft.answers["consent"] == "given"
    assert draft.answers["no_consent_reason"] is None
    assert draft.answers["no_consent_detail"] == ""


def test_changes_from_check_your_answers_return_there(personas: Personas) -> None:
    draft = make_draft(personas.a_readonly, personas.agency_a)
    response = personas.client("a_readonly").post(
        _step(draft, "referrer") + "?return=check", {"referrer_phone": "0121 496 0999"}
    )
    assert response["Location"] == _check(draft)


# --- Children and household members ---------------------------------------------------------------------

_CHILD = {
    "first_name": "Ben",
    "last_name": "Testchild",
    "born": "yes",
    "date_of_birth_0": "4",
    "date_of_birth_1": "5",
    "date_of_birth_2": "2018",
    "sex": "1",
    "ethnicity": "WBRI",
    "postcode": "ws2 8aa",
    "nhs_number": "943 476 5919",
    "interpreter_needed": "no",
}


def test_adding_changing_and_removing_a_child(personas: Personas) -> None:
    draft = _new_draft(personas)
    client = personas.client("a_readonly")
    response = client.post(reverse("frontdoor:emarf-child-add", args=[draft.pk]), _CHILD)
    assert response["Location"] == reverse("frontdoor:emarf-children", args=[draft.pk])
    draft.refresh_from_db()
    child = draft.answers["children"][0]
    assert child["date_of_birth"] == "2018-05-04"
    assert child["postcode"] == "WS2 8AA"  # the schema's own normalising
    assert child["nhs_number"] == "9434765919"
    page = client.get(reverse("frontdoor:emarf-children", args=[draft.pk])).content.decode()
    assert "Ben Testchild" in page and "4 May 2018" in page
    change_url = reverse("frontdoor:emarf-child", args=[draft.pk, 0])
    assert 'value="Ben"' in client.get(change_url).content.decode()
    client.post(change_url, {**_CHILD, "first_name": "Benjamin"})
    draft.refresh_from_db()
    assert [c["first_name"] for c in draft.answers["children"]] == ["Benjamin"]
    client.post(reverse("frontdoor:emarf-children", args=[draft.pk]))
    draft.refresh_from_db()
    assert "children" in draft.answers["sections_done"]
    remove_url = reverse("frontdoor:emarf-child-remove", args=[draft.pk, 0])
    assert "Are you sure you want to remove Benjamin Testchild?" in client.get(remove_url).content.decode()
    client.post(remove_url)
    draft.refresh_from_db()
    assert draft.answers["children"] == []
    assert "children" not in draft.answers["sections_done"]
    assert client.get(reverse("frontdoor:emarf-child", args=[draft.pk, 3])).status_code == 404


def test_an_unborn_baby_needs_an_expected_date(personas: Personas) -> None:
    draft = _new_draft(personas)
    client = personas.client("a_readonly")
    url = reverse("frontdoor:emarf-child-add", args=[draft.pk])
    unborn = {
        "last_name": "Testchild",
        "born": "no",
        "sex": "0",
        "ethnicity": "NOBT",
        "interpreter_needed": "no",
    }
    page = client.post(url, unborn).content.decode()
    assert "Enter the expected date of birth" in page
    assert _error_links(page) == ["#id_expected_date_of_birth_0"]
    far = client.post(
        url,
        {
            **unborn,
            "expected_date_of_birth_0": "1",
            "expected_date_of_birth_1": "1",
            "expected_date_of_birth_2": "2099",
        },
    ).content.decode()
    assert "The expected date of birth must be within the next 10 months" in far


def test_child_page_errors_each_link_to_their_field(personas: Personas) -> None:
    draft = _new_draft(personas)
    client = personas.client("a_readonly")
    url = reverse("frontdoor:emarf-child-add", args=[draft.pk])
    page = client.post(url, {}).content.decode()
    assert "Enter the child&#x27;s last name" in page
    assert "Select yes if the child has been born" in page
    assert _error_links(page) == [
        "#id_last_name",
        "#id_born",
        "#id_sex",
        "#id_ethnicity",
        "#id_interpreter_needed",
    ]
    no_date = client.post(
        url, {**_CHILD, "date_of_birth_0": "", "date_of_birth_1": "", "date_of_birth_2": ""}
    )
    assert _error_links(no_date.content.decode()) == ["#id_date_of_birth_0"]
    future = client.post(url, {**_CHILD, "date_of_birth_2": "2099"}).content.decode()
    assert "The date of birth must be today or in the past" in future
    bad = client.post(url, {**_CHILD, "postcode": "NOT A CODE", "nhs_number": "1234567890"}).content.decode()
    assert "Enter a real postcode, like WS1 1TP" in bad
    assert "Enter a valid 10-digit NHS number" in bad
    assert _error_links(bad) == ["#id_postcode", "#id_nhs_number"]
    assert ReferralDraft.objects.get(pk=draft.pk).answers.get("children") is None


def test_a_referral_names_at_most_twelve_children(personas: Personas) -> None:
    child = complete_answers()["children"][0]
    draft = make_draft(personas.a_readonly, personas.agency_a, children=[child] * 12)
    client = personas.client("a_readonly")
    page = client.get(reverse("frontdoor:emarf-children", args=[draft.pk])).content.decode()
    assert "A referral can name up to 12 children" in page
    assert reverse("frontdoor:emarf-child-add", args=[draft.pk]) not in page
    response = client.post(reverse("frontdoor:emarf-child-add", args=[draft.pk]), _CHILD)
    assert response["Location"] == reverse("frontdoor:emarf-children", args=[draft.pk])
    draft.refresh_from_db()
    assert len(draft.answers["children"]) == 12


def test_children_section_needs_at_least_one_child(personas: Personas) -> None:
    draft = _new_draft(personas)
    page = (
        personas.client("a_readonly")
        .post(reverse("frontdoor:emarf-children", args=[draft.pk]))
        .content.decode()
    )
    assert "Add at least one child" in page
    assert 'href="#add-item"' in page
    draft.refresh_from_db()
    assert "children" not in draft.answers["sections_done"]


def test_household_members_are_added_and_checked(personas: Personas) -> None:
    draft = _new_draft(personas)
    client = personas.client("a_readonly")
    url = reverse("frontdoor:emarf-member-add", args=[draft.pk])
    page = client.post(url, {}).content.decode()
    assert _error_links(page) == [
        "#id_name",
        "#id_relationship",
        "#id_parental_responsibility",
        "#id_lives_with_child",
    ]
    client.post(
        url,
        {
            "name": "Sam Testparent",
            "relationship": "stepfather",
            "parental_responsibility": "no",
            "lives_with_child": "yes",
        },
    )
    draft.refresh_from_db()
    assert draft.answers["household"] == [
        {
            "name": "Sam Testparent",
            "relationship": "stepfather",
            "date_of_birth": None,
            "address": "",
            "parental_responsibility": False,
            "lives_with_child": True,
        }
    ]
    # Nobody in the household is an answer too: the section can be completed empty.
    other = _new_draft(personas)
    client.post(reverse("frontdoor:emarf-household", args=[other.pk]))
    other.refresh_from_db()
    assert "household" in other.answers["sections_done"]


# --- Check your answers and sending ---------------------------------------------------------------------


def test_check_your_answers_shows_everything_with_change_links(personas: Personas) -> None:
    draft = make_draft(personas.a_readonly, personas.agency_a, what_happened="<script>alert(1)</script>")
    page = personas.client("a_readonly").get(_check(draft)).content.decode()
    for text in (
        "Amy Testchild",
        "Unborn baby Testchild",
        "Pat Testparent (mother)",
        "Neglect",
        "Domestic abuse",
    ):
        assert text in page
    assert "Level 3: early help assessment (multi-agency)" in page
    assert "Telling the parents would put the child at risk" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page
    assert reverse("frontdoor:emarf-child", args=[draft.pk, 1]) + "?return=check" in page
    assert _step(draft, "consent") + "?return=check" in page
    assert "Send referral" in page


def test_sending_creates_the_contact_and_deletes_the_draft(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    personas.a_readonly.job_title = "Class teacher"
    personas.a_readonly.save()
    draft = make_draft(personas.a_readonly, personas.agency_a)
    client = personas.client("a_readonly")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_check(draft))
    contact = Contact.objects.get()
    assert response["Location"] == reverse("frontdoor:emarf-confirmation", args=[contact.pk])
    assert not ReferralDraft.objects.filter(pk=draft.pk).exists()
    assert contact.channel == Contact.Channel.EMARF
    assert contact.referrer == personas.a_readonly
    assert contact.referrer_agency == personas.agency_a
    assert (contact.referrer_name, contact.referrer_role) == ("Alan Reader", "Class teacher")
    assert contact.idempotency_key == f"draft-{draft.pk}"
    assert contact.children.count() == 2
    assert contact.household.get().name == "Pat Testparent"
    page = client.get(response["Location"]).content.decode()
    assert "Referral sent" in page
    assert contact.reference in page
    assert "What happens next" in page
    assert len(mail.outbox) == 1 and contact.reference in mail.outbox[0].subject


def test_sending_twice_gives_one_contact(personas: Personas) -> None:
    draft = make_draft(personas.a_readonly, personas.agency_a)
    client = personas.client("a_readonly")
    first = client.post(_check(draft))
    second = client.post(_check(draft))  # a double click, or "back" and send again
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Contact.objects.count() == 1


def test_sending_an_unfinished_draft_says_what_is_missing_and_where(personas: Personas) -> None:
    answers = complete_answers()
    answers["sections_done"] = [s for s in answers["sections_done"] if s != "consent"]
    draft = ReferralDraft.objects.create(owner=personas.a_readonly, agency=personas.agency_a, answers=answers)
    response = personas.client("a_readonly").post(_check(draft))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Complete the section &#x27;Consent&#x27;" in page
    assert _error_links(page) == [_step(draft, "consent") + "?return=check"]
    assert not Contact.objects.exists()


def test_schema_problems_on_send_link_to_the_step_and_field(personas: Personas) -> None:
    children = complete_answers()["children"]
    children[1] = {**children[1], "postcode": "NOPE"}
    draft = make_draft(
        personas.a_readonly,
        personas.agency_a,
        children=children,
        immediate_danger=True,
        called_999=False,
        referrer_phone="",
    )
    page = personas.client("a_readonly").post(_check(draft)).content.decode()
    assert "Enter your phone number" in page
    assert "Enter a real postcode, like WS1 1TP" in page
    assert _error_links(page) == [
        _step(draft, "referrer") + "?return=check#id_referrer_phone",
        reverse("frontdoor:emarf-child", args=[draft.pk, 1]) + "?return=check#id_postcode",
    ]
    # Once the fields are right, the referral's own rules are checked: immediate danger needs 999 called.
    draft.answers = {
        **draft.answers,
        "children": complete_answers()["children"],
        "referrer_phone": "0121 496 0000",
    }
    draft.save()
    page = personas.client("a_readonly").post(_check(draft)).content.decode()
    assert "call 999 first, then confirm you have called" in page
    assert _error_links(page) == [_step(draft, "danger") + "?return=check#id_called_999"]
    assert not Contact.objects.exists()


def test_sending_someone_elses_draft_is_not_found(personas: Personas) -> None:
    draft = make_draft(personas.a_readonly, personas.agency_a)
    colleague = make_user("referrer", personas.agency_a)
    assert sign_in(Client(), colleague).post(_check(draft)).status_code == 404
    assert not Contact.objects.exists()


def test_someone_who_no_longer_refers_for_the_agency_cannot_send_its_draft(personas: Personas) -> None:
    Membership.objects.create(user=personas.a_readonly, agency=personas.agency_b, role="referrer")
    draft = make_draft(personas.a_readonly, personas.agency_a)
    membership = Membership.objects.get(user=personas.a_readonly, agency=personas.agency_a)
    membership.starts_on = membership.starts_on.replace(year=membership.starts_on.year - 1)
    membership.ends_on = membership.starts_on.replace(year=membership.starts_on.year + 1)
    membership.save()
    page = personas.client("a_readonly").post(_check(draft)).content.decode()
    assert "You no longer make referrals for Agency A" in page
    assert not Contact.objects.exists()


def test_the_confirmation_is_only_for_the_person_who_sent_it(personas: Personas) -> None:
    draft = make_draft(personas.a_readonly, personas.agency_a)
    personas.client("a_readonly").post(_check(draft))
    url = reverse("frontdoor:emarf-confirmation", args=[Contact.objects.get().pk])
    colleague = make_user("referrer", personas.agency_a)
    assert sign_in(Client(), colleague).get(url).status_code == 404
    assert personas.client("b_worker").get(url).status_code == 404
    assert personas.client("bu_officer").get(url).status_code == 403
    assert personas.client("a_readonly").post(url).status_code == 405
