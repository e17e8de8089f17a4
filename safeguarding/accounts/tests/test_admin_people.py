"""Administration of people: invitations, details, roles held, deactivation, two-factor reset."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accounts.models import Membership, User
from safeguarding.accounts.services.two_factor import has_two_factor, recovery_codes_regenerate
from safeguarding.core.testing import (
    TEST_PASSWORD,
    Personas,
    give_two_factor,
    make_agency,
    make_team,
    make_user,
)

pytestmark = pytest.mark.django_db


def _person(user: User) -> str:
    return reverse("administration:person-detail", args=[user.pk])


def _person_pages(personas: Personas) -> list[tuple[str, str]]:
    """(method, url) of every people page, with a target person in agency A."""
    target = personas.a_readonly
    membership = target.memberships.get()
    return [
        ("get", reverse("administration:person-list")),
        ("get", reverse("administration:person-invite")),
        ("get", _person(target)),
        ("get", reverse("administration:person-edit", args=[target.pk])),
        ("get", reverse("administration:person-deactivate", args=[target.pk])),
        ("post", reverse("administration:person-reactivate", args=[target.pk])),
        ("get", reverse("administration:person-two-factor-reset", args=[target.pk])),
        ("post", reverse("administration:person-invitation-resend", args=[target.pk])),
        ("get", reverse("administration:membership-add", args=[target.pk])),
        ("get", reverse("administration:membership-end", args=[target.pk, membership.pk])),
    ]


# --- Who may use the people pages -----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["bu_officer", "sysadmin"])
def test_business_unit_and_sysadmin_reach_every_people_page(personas: Personas, persona: str) -> None:
    client = personas.client(persona)
    for method, url in _person_pages(personas):
        response = getattr(client, method)(url)
        assert response.status_code in (200, 302), (url, response.status_code)


@pytest.mark.parametrize("persona", ["a_worker", "a_readonly", "b_worker"])
def test_agency_roles_get_403_on_every_people_page(personas: Personas, persona: str) -> None:
    client = personas.client(persona)
    for method, url in _person_pages(personas):
        assert getattr(client, method)(url).status_code == 403, url


def test_people_pages_refuse_other_methods_and_signed_out_visitors(personas: Personas) -> None:
    client = personas.client("bu_officer")
    for method, url in _person_pages(personas):
        wrong = client.put(url) if method == "get" else client.get(url)
        assert wrong.status_code == 405, url
        signed_out = Client().get(url)
        assert signed_out.status_code == 302, url
        assert signed_out["Location"].startswith(reverse("accounts:sign-in")), url


def test_missing_person_is_404(personas: Personas) -> None:
    assert personas.client("bu_officer").get("/administration/people/999999/").status_code == 404


# --- The list -------------------------------------------------------------------------------------------


def test_list_searches_by_name_and_email_and_filters(personas: Personas) -> None:
    client = personas.client("bu_officer")
    url = reverse("administration:person-list")
    by_name = client.get(url, {"q": "ada"}).content.decode()
    assert "Ada Worker" in by_name
    assert "Bea Worker" not in by_name
    by_email = client.get(url, {"q": "B.WORKER@"}).content.decode()
    assert "Bea Worker" in by_email
    assert "Ada Worker" not in by_email
    by_agency = client.get(url, {"agency": personas.agency_a.pk}).content.decode()
    assert "Ada Worker" in by_agency and "Alan Reader" in by_agency
    assert "Bea Worker" not in by_agency
    by_role = client.get(url, {"role": "referrer"}).content.decode()
    assert "Alan Reader" in by_role
    assert "Ada Worker" not in by_role
    both = client.get(url, {"agency": str(personas.agency_b.pk), "role": "referrer"}).content.decode()
    assert "Alan Reader" not in both
    personas.b_worker.is_active = False
    personas.b_worker.save()
    gone = client.get(url, {"status": "deactivated"}).content.decode()
    assert "Bea Worker" in gone
    assert "Ada Worker" not in gone


def test_list_shows_roles_today_only(personas: Personas) -> None:
    person = make_user(full_name="Pat Past")
    Membership.objects.create(
        user=person, agency=personas.agency_b, role="auditor", starts_on="2020-01-01", ends_on="2021-01-01"
    )
    page = (
        personas.client("bu_officer")
        .get(reverse("administration:person-list"), {"q": "Pat"})
        .content.decode()
    )
    assert "Pat Past" in page
    assert "Multi-agency auditor, Agency B" not in page


def test_list_paginates_in_the_database_without_n_plus_one(
    personas: Personas, django_assert_max_num_queries: Any
) -> None:
    client = personas.client("bu_officer")
    url = reverse("administration:person-list")
    client.get(url)  # the first request of a session does one-off work
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    agency = make_agency()
    team = make_team(agency)
    for n in range(120):
        person = make_user("referrer", agency, team=team, full_name=f"Bulk Person {n:03}")
        Membership.objects.create(user=person, agency=personas.agency_b, role="auditor")
    with django_assert_max_num_queries(len(few.captured_queries)):
        first = client.get(url).content.decode()
    assert "Bulk Person 000" in first
    assert "Bulk Person 060" not in first
    assert 'aria-label="Page 3"' in first  # 120+ people at 50 a page: three pages
    with django_assert_max_num_queries(len(few.captured_queries)):
        second = client.get(url, {"page": "2", "q": "Bulk"}).content.decode()
    assert "Bulk Person 050" in second
    assert "Bulk Person 000" not in second
    assert "Multi-agency auditor, Agency B" in second


# --- Inviting -------------------------------------------------------------------------------------------


def _invite(client: Client, **overrides: Any) -> Any:
    data = {
        "full_name": "Nia New",
        "email": "Nia.New@Example.org",
        "job_title": "Designated safeguarding lead",
        "agency": "",
        "team": "",
        # A role that reaches no identifiable data, so a business unit officer may give it.
        "role": "subgroup_member",
    }
    data.update(overrides)
    return client.post(reverse("administration:person-invite"), data)


def test_invite_creates_account_with_first_role_and_emails_a_working_link(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    client = personas.client("bu_officer")
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, agency=personas.agency_a.pk, team=personas.team_a.pk)
    person = User.objects.get(email="nia.new@example.org")
    assert response["Location"] == _person(person)
    assert not person.has_usable_password()
    membership = person.memberships.get()
    assert (membership.agency, membership.team, membership.role) == (
        personas.agency_a,
        personas.team_a,
        "subgroup_member",
    )
    assert membership.starts_on == timezone.localdate()
    events = AccessEvent.objects.filter(actor=personas.bu_officer, action="create").order_by("id")
    assert [e.subject_type for e in events] == ["accounts.user", "accounts.membership"]
    assert events[0].details["email"] == [None, "nia.new@example.org"]

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nia.new@example.org"]
    link = re.search(r"http://testserver(/account/password/reset/\S+)", str(message.body))
    assert link is not None
    # The invitee follows the link, chooses a password and signs in with it.
    invitee = Client()
    form_page = invitee.get(link.group(1), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    new_password = "a long new password for Nia 9"
    done = invitee.post(
        form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.check_password(new_password)
    assert (
        invitee.post(
            reverse("accounts:sign-in"), {"username": person.email, "password": new_password}
        ).status_code
        == 302
    )
    # The link works once.
    again = Client().get(link.group(1), follow=True)
    assert "This link has expired or has already been used" in again.content.decode()


def test_invite_with_an_email_already_in_use_is_a_clear_error(personas: Personas) -> None:
    response = _invite(
        personas.client("bu_officer"), email="A.Worker@example.org", agency=personas.agency_a.pk
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "A person with this email address already has an account" in page
    assert 'href="#id_email"' in page
    assert User.objects.filter(email__iexact="a.worker@example.org").count() == 1


def test_invite_team_must_belong_to_the_agency(personas: Personas) -> None:
    response = _invite(personas.client("bu_officer"), agency=personas.agency_b.pk, team=personas.team_a.pk)
    assert "Select a team in Agency B, or no team" in response.content.decode()
    assert not User.objects.filter(email="nia.new@example.org").exists()


def test_invite_requires_name_email_agency_and_role(personas: Personas) -> None:
    response = _invite(personas.client("bu_officer"), full_name="", email="", role="")
    page = response.content.decode()
    for message in (
        "Enter their full name",
        "Enter their email address",
        "Select an agency",
        "Select a role",
    ):
        assert message in page


def test_invitation_can_be_sent_again_until_a_password_is_chosen(
    personas: Personas, django_capture_on_commit_callbacks: Any
) -> None:
    client = personas.client("bu_officer")
    invited = User.objects.create_user("pending@example.org", full_name="Pending Person")
    url = reverse("administration:person-invitation-resend", args=[invited.pk])
    page = client.get(_person(invited)).content.decode()
    assert "has not chosen a password yet" in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(
            reverse("administration:person-invitation-resend", args=[personas.a_worker.pk]), follow=True
        )
    assert "has already chosen a password" in refused.content.decode()
    assert len(mail.outbox) == 1


# --- Details --------------------------------------------------------------------------------------------


def test_detail_shows_memberships_current_future_and_past_two_factor_and_last_sign_in(
    personas: Personas,
) -> None:
    person = personas.a_readonly
    today = timezone.localdate()
    Membership.objects.create(
        user=person, agency=personas.agency_b, role="auditor", starts_on="2019-04-01", ends_on="2020-04-01"
    )
    Membership.objects.create(
        user=person, agency=personas.agency_b, role="subgroup_member", starts_on=today + timedelta(days=10)
    )
    give_two_factor(person)
    recovery_codes_regenerate(user=person)
    person.last_login = timezone.now()
    person.save()
    page = personas.client("bu_officer").get(_person(person)).content.decode()
    assert "Referrer" in page and "Current" in page
    assert (
        "Multi-agency auditor" in page and "1 Apr 2019" in page and "1 Apr 2020" in page and "Ended" in page
    )
    assert "Subgroup member" in page and "Starts later" in page
    assert "10 recovery codes left" in page
    assert "Never" not in page.split("Last signed in")[1][:200]
    # The API tokens section (api/_user_tokens.html) is included for people managers.
    assert "API tokens" in page


def test_edit_details_and_email_clash(personas: Personas) -> None:
    # A subgroup member's roles reach no identifiable data, so the system administrator may change their
    # address (see test_admin_privileges.py for the people whose address needs the business unit manager).
    member = make_user("subgroup_member", personas.agency_a, full_name="Alan Reader", email="a.r@example.org")
    client = personas.client("sysadmin")
    url = reverse("administration:person-edit", args=[member.pk])
    clash = client.post(url, {"full_name": "Alan Reader", "email": "B.Worker@example.org"})
    assert "Another person already uses this email address" in clash.content.decode()
    ok = client.post(
        url, {"full_name": "Alan Reader-Smith", "email": "alan.rs@example.org", "job_title": "Teacher"}
    )
    assert ok.status_code == 302
    person = User.objects.get(pk=member.pk)
    assert (person.full_name, person.email, person.job_title) == (
        "Alan Reader-Smith",
        "alan.rs@example.org",
        "Teacher",
    )
    event = AccessEvent.objects.get(subject_type="accounts.user", subject_id=str(person.pk), action="change")
    assert event.details["email"] == ["a.r@example.org", "alan.rs@example.org"]
    assert "phone" not in event.details


# --- Deactivation ---------------------------------------------------------------------------------------


def test_deactivation_ends_sessions_stops_sign_in_and_keeps_history(personas: Personas) -> None:
    person = personas.a_worker
    signed_in = personas.client("a_worker")
    assert signed_in.get(reverse("core:home")).status_code == 200
    client = personas.client("bu_officer")
    assert client.post(reverse("administration:person-deactivate", args=[person.pk])).status_code == 302
    person.refresh_from_db()
    assert person.is_active is False
    assert person.deactivated_at is not None
    # Every session ends on its next request.
    assert signed_in.get(reverse("core:home"))["Location"].startswith(reverse("accounts:sign-in"))
    # They can't sign in again, even with the right password.
    attempt = Client().post(
        reverse("accounts:sign-in"), {"username": person.email, "password": TEST_PASSWORD}
    )
    assert attempt.status_code == 200
    assert "There is a problem" in attempt.content.decode()
    # History stays: the membership, and the user's row history before and after.
    assert person.memberships.count() == 1
    history = list(person.history.order_by("history_date").values_list("is_active", flat=True))
    assert history[0] is True and history[-1] is False
    assert person.history.filter(history_user=personas.bu_officer).exists()
    assert AccessEvent.objects.filter(subject_id=str(person.pk), details__is_active=[True, False]).exists()
    # Reactivation lets them sign in again.
    assert client.post(reverse("administration:person-reactivate", args=[person.pk])).status_code == 302
    assert (
        Client()
        .post(reverse("accounts:sign-in"), {"username": person.email, "password": TEST_PASSWORD})
        .status_code
        == 302
    )


def test_cannot_deactivate_yourself(personas: Personas) -> None:
    client = personas.client("bu_officer")
    response = client.post(
        reverse("administration:person-deactivate", args=[personas.bu_officer.pk]), follow=True
    )
    assert "You cannot deactivate your own account" in response.content.decode()
    personas.bu_officer.refresh_from_db()
    assert personas.bu_officer.is_active


def test_two_factor_reset_removes_authenticator_and_signs_out(personas: Personas) -> None:
    person = personas.a_worker
    signed_in = personas.client("a_worker")  # gives them an authenticator
    recovery_codes_regenerate(user=person)
    assert has_two_factor(person)
    # An agency lead's roles reach identifiable data, so resetting their two-factor is the manager's.
    client = personas.client("bu_manager")
    confirm = client.get(reverse("administration:person-two-factor-reset", args=[person.pk]))
    assert "Reset two-factor sign-in?" in confirm.content.decode()
    assert client.post(reverse("administration:person-two-factor-reset", args=[person.pk])).status_code == 302
    assert not has_two_factor(person)
    assert signed_in.get(reverse("core:home")).status_code == 302
    assert AccessEvent.objects.filter(
        subject_id=str(person.pk), details__two_factor=["set up", "reset"]
    ).exists()


# --- Roles held -----------------------------------------------------------------------------------------


def test_add_membership_with_team_of_that_agency(personas: Personas) -> None:
    client = personas.client("bu_officer")
    url = reverse("administration:membership-add", args=[personas.b_worker.pk])
    form = client.get(url).content.decode()
    assert 'class="govuk-date-input"' in form
    assert f'<optgroup label="{personas.agency_a.name}">' in form
    wrong_team = client.post(
        url,
        {
            "agency": personas.agency_b.pk,
            "team": personas.team_a.pk,
            "role": "subgroup_member",
            "starts_on_0": "1",
            "starts_on_1": "4",
            "starts_on_2": "2025",
        },
    )
    assert "Select a team in Agency B, or no team" in wrong_team.content.decode()
    bad_date = client.post(
        url,
        {
            "agency": personas.agency_a.pk,
            "role": "subgroup_member",
            "starts_on_0": "31",
            "starts_on_1": "2",
            "starts_on_2": "2025",
        },
    )
    assert "Start date must be a real date" in bad_date.content.decode()
    ok = client.post(
        url,
        {
            "agency": personas.agency_a.pk,
            "team": personas.team_a.pk,
            "role": "subgroup_member",
            "starts_on_0": "1",
            "starts_on_1": "4",
            "starts_on_2": "2025",
        },
    )
    assert ok.status_code == 302
    membership = personas.b_worker.memberships.get(role="subgroup_member")
    assert (membership.agency, membership.team, str(membership.starts_on)) == (
        personas.agency_a,
        personas.team_a,
        "2025-04-01",
    )
    event = AccessEvent.objects.get(subject_type="accounts.membership", subject_id=str(membership.pk))
    assert event.details["role"] == [None, "subgroup_member"]
    # The same role in the same place again is refused.
    again = client.post(
        url,
        {
            "agency": personas.agency_a.pk,
            "team": personas.team_a.pk,
            "role": "subgroup_member",
            "starts_on_0": "1",
            "starts_on_1": "5",
            "starts_on_2": "2025",
        },
    )
    assert "already holds this role in Agency A" in again.content.decode()


def test_end_membership_sets_today_and_refuses_to_end_twice(personas: Personas) -> None:
    person = personas.a_readonly
    membership = person.memberships.get()
    client = personas.client("bu_officer")
    url = reverse("administration:membership-end", args=[person.pk, membership.pk])
    assert client.post(url).status_code == 302
    membership.refresh_from_db()
    assert membership.ends_on == timezone.localdate()
    assert not membership.is_current()
    assert not person.current_memberships().exists()
    assert membership.history.count() == 2
    event = AccessEvent.objects.get(subject_type="accounts.membership", subject_id=str(membership.pk))
    assert event.details == {"ends_on": [None, str(timezone.localdate())]}
    again = client.post(url, follow=True)
    assert "This role already ended on" in again.content.decode()
    assert (
        AccessEvent.objects.filter(subject_type="accounts.membership", subject_id=str(membership.pk)).count()
        == 1
    )
    # The ended role is still on their page.
    assert "Ended" in client.get(_person(person)).content.decode()


def test_ending_a_role_that_has_not_started_means_it_never_applies(personas: Personas) -> None:
    future = Membership.objects.create(
        user=personas.b_worker,
        agency=personas.agency_b,
        role="auditor",
        starts_on=timezone.localdate() + timedelta(days=7),
    )
    client = personas.client("bu_officer")
    assert (
        client.post(
            reverse("administration:membership-end", args=[personas.b_worker.pk, future.pk])
        ).status_code
        == 302
    )
    future.refresh_from_db()
    assert future.ends_on == future.starts_on


def test_membership_of_another_person_is_404(personas: Personas) -> None:
    other = personas.a_worker.memberships.get()
    url = reverse("administration:membership-end", args=[personas.b_worker.pk, other.pk])
    assert personas.client("bu_officer").get(url).status_code == 404
