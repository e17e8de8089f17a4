"""The administration pages cannot be used to widen anyone's access beyond what the actor may give.

- nobody gives, ends or changes their own roles, details or account status here;
- roles that reach identifiable data (children's records, or the access log) are given only with
  people.grant_sensitive (the business unit manager), and only they may change the email address or reset
  the two-factor sign-in of someone who holds such a role (which would otherwise hand over the account);
- any change of email address ends the person's sessions and tells the old address who changed it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accounts import selectors
from safeguarding.accounts.models import Membership, User
from safeguarding.accounts.roles import ROLES
from safeguarding.accounts.services import people as services
from safeguarding.accounts.services.two_factor import has_two_factor
from safeguarding.core.testing import Personas, give_two_factor, make_user, sign_in

pytestmark = pytest.mark.django_db

WITHHELD_HINT = (
    "Roles that reach identifiable data (children&#x27;s records or the access log) are not listed"
)


def _person(user: User) -> str:
    return reverse("administration:person-detail", args=[user.pk])


def _give_role(client: Client, person: User, role: str, agency_pk: int) -> Any:
    today = timezone.localdate()
    return client.post(
        reverse("administration:membership-add", args=[person.pk]),
        {
            "agency": agency_pk,
            "role": role,
            "starts_on_0": today.day,
            "starts_on_1": today.month,
            "starts_on_2": today.year,
        },
        follow=True,
    )


def _invite(client: Client, role: str, agency_pk: int, email: str = "new.person@example.org") -> Any:
    return client.post(
        reverse("administration:person-invite"),
        {"full_name": "New Person", "email": email, "job_title": "", "agency": agency_pk, "role": role},
    )


def _role_options(page: str) -> set[str]:
    select = page[page.index('name="role"') : page.index("</select>", page.index('name="role"'))]
    return {code for code in ROLES if f'value="{code}"' in select}


@pytest.fixture
def mash(personas: Personas) -> User:
    """A MASH practitioner: their role reaches children's records."""
    return make_user("mash_practitioner", personas.agency_a, full_name="Mo Mash", email="mo.mash@example.org")


@pytest.fixture
def member(personas: Personas) -> User:
    """A subgroup member: their role reaches no identifiable data."""
    return make_user("subgroup_member", personas.agency_b, full_name="Sue Member", email="sue@example.org")


# --- The catalogue --------------------------------------------------------------------------------------


def test_only_the_business_unit_manager_may_give_sensitive_roles() -> None:
    holders = {code for code, role in ROLES.items() if role.scope_for("people.grant_sensitive")}
    assert holders == {"business_unit_manager"}
    assert ROLES["business_unit_manager"].scope_for("people.grant_sensitive") == "partnership"
    # The roles the reviewer escalated to are among those that need it.
    for code in ("business_unit_manager", "mash_manager", "referrer", "independent_scrutineer"):
        assert ROLES[code].grants_identifiable, code
    assert not ROLES["subgroup_member"].grants_identifiable


# --- Nobody acts on their own account -------------------------------------------------------------------


def test_sysadmin_cannot_give_themselves_a_role(personas: Personas) -> None:
    me = personas.sysadmin
    client = personas.client("sysadmin")
    form = client.get(reverse("administration:membership-add", args=[me.pk]), follow=True)
    assert form.redirect_chain[-1][0] == _person(me)
    assert "You cannot give yourself a role" in form.content.decode()
    # Posting the form anyway (the reviewer's escalation), with a sensitive role or a harmless one.
    for role in ("business_unit_manager", "mash_manager", "subgroup_member"):
        refused = _give_role(client, me, role, personas.business_unit.pk)
        assert "You cannot give yourself a role" in refused.content.decode(), role
    assert list(me.memberships.values_list("role", flat=True)) == ["system_administrator"]
    assert not AccessEvent.objects.filter(subject_type="accounts.membership").exists()


def test_bu_manager_can_give_mash_manager_to_someone_else_but_not_to_themselves(
    personas: Personas, member: User
) -> None:
    client = personas.client("bu_manager")
    refused = _give_role(client, personas.bu_manager, "mash_manager", personas.agency_a.pk)
    assert "You cannot give yourself a role" in refused.content.decode()
    assert not personas.bu_manager.memberships.filter(role="mash_manager").exists()

    given = _give_role(client, member, "mash_manager", personas.agency_a.pk)
    assert given.redirect_chain[-1][0] == _person(member)
    assert "Sue Member is now MASH manager in Agency A" in given.content.decode()
    assert member.current_memberships().filter(role="mash_manager").exists()


def test_service_refuses_own_roles_even_without_the_page(personas: Personas) -> None:
    me = personas.bu_manager
    with pytest.raises(services.AdministrationRefused, match="You cannot give yourself a role"):
        services.membership_add(
            actor=me,
            person=me,
            agency=personas.agency_a,
            team=None,
            role="mash_manager",
            starts_on=timezone.localdate(),
        )
    own = me.memberships.get()
    with pytest.raises(services.AdministrationRefused, match="You cannot end your own role"):
        services.membership_end(actor=me, membership=own)
    with pytest.raises(services.AdministrationRefused, match="You cannot change your own details"):
        services.person_update(actor=me, person=me, fields={"email": "elsewhere@example.org"})
    with pytest.raises(services.AdministrationRefused, match="reset your own two-factor"):
        services.person_two_factor_reset(actor=me, person=me)
    with pytest.raises(services.AdministrationRefused, match="reactivate your own account"):
        services.person_reactivate(actor=me, person=me)
    with pytest.raises(services.AdministrationRefused, match="send yourself an invitation"):
        services.person_invitation_resend(actor=me, person=me)
    own.refresh_from_db()
    me.refresh_from_db()
    assert own.ends_on is None
    assert me.email == "bu.manager@example.org"


@pytest.mark.parametrize("persona", ["bu_officer", "bu_manager", "sysadmin"])
def test_nobody_ends_or_changes_their_own_roles_or_account_through_the_pages(
    personas: Personas, persona: str
) -> None:
    me: User = getattr(personas, persona)
    email = me.email
    own = me.memberships.get()
    give_two_factor(me)
    client = personas.client(persona)
    pages = [
        ("administration:person-edit", [me.pk], "You cannot change your own details"),
        ("administration:membership-end", [me.pk, own.pk], "You cannot end your own role"),
        ("administration:person-deactivate", [me.pk], "You cannot deactivate your own account"),
        ("administration:person-two-factor-reset", [me.pk], "You cannot reset your own two-factor sign-in"),
    ]
    for name, args, message in pages:
        url = reverse(name, args=args)
        for response in (
            client.get(url, follow=True),
            client.post(url, {"full_name": me.full_name, "email": "x@example.org"}, follow=True),
        ):
            assert response.redirect_chain[-1][0] == _person(me), url
            assert message in response.content.decode(), url
    me.refresh_from_db()
    own.refresh_from_db()
    assert (me.email, me.is_active, own.ends_on) == (email, True, None)
    assert has_two_factor(me)
    assert not AccessEvent.objects.filter(action="change", actor=me).exists()
    # Their own page says why, and offers none of those changes.
    page = client.get(_person(me)).content.decode()
    assert "This is your own account" in page
    for name, args, _message in pages:
        assert reverse(name, args=args) not in page
    assert reverse("administration:membership-add", args=[me.pk]) not in page


# --- Giving roles that reach identifiable data ----------------------------------------------------------


def test_bu_officer_is_offered_only_roles_without_identifiable_data(personas: Personas, member: User) -> None:
    client = personas.client("bu_officer")
    for url in (
        reverse("administration:membership-add", args=[member.pk]),
        reverse("administration:person-invite"),
    ):
        page = client.get(url).content.decode()
        offered = _role_options(page)
        assert offered == {code for code, role in ROLES.items() if not role.grants_identifiable}, url
        assert {"subgroup_member", "business_unit_officer", "system_administrator"} <= offered
        assert WITHHELD_HINT in page, url
        assert "only a business unit manager can give them" in page, url


def test_bu_manager_is_offered_every_role(personas: Personas, member: User) -> None:
    page = (
        personas.client("bu_manager")
        .get(reverse("administration:membership-add", args=[member.pk]))
        .content.decode()
    )
    assert _role_options(page) == set(ROLES)
    assert WITHHELD_HINT not in page


@pytest.mark.parametrize("role", ["mash_manager", "referrer", "business_unit_manager"])
@pytest.mark.parametrize("persona", ["bu_officer", "sysadmin"])
def test_officer_and_sysadmin_cannot_give_identifiable_roles(
    personas: Personas, member: User, persona: str, role: str
) -> None:
    client = personas.client(persona)
    refused = _give_role(client, member, role, personas.agency_a.pk)
    assert refused.redirect_chain == []
    assert "Select a role from the list" in refused.content.decode()
    assert not member.memberships.filter(role=role).exists()
    invited = _invite(client, role, personas.agency_a.pk)
    assert invited.status_code == 200
    assert "Select a role from the list" in invited.content.decode()
    assert not User.objects.filter(email="new.person@example.org").exists()


def test_bu_officer_can_give_subgroup_member(personas: Personas, mash: User) -> None:
    client = personas.client("bu_officer")
    given = _give_role(client, mash, "subgroup_member", personas.agency_b.pk)
    assert given.redirect_chain[-1][0] == _person(mash)
    assert mash.current_memberships().filter(role="subgroup_member", agency=personas.agency_b).exists()
    invited = _invite(client, "subgroup_member", personas.agency_b.pk)
    assert invited.status_code == 302
    assert User.objects.get(email="new.person@example.org").memberships.get().role == "subgroup_member"


def test_bu_manager_can_invite_a_referrer(personas: Personas) -> None:
    response = _invite(personas.client("bu_manager"), "referrer", personas.agency_a.pk)
    assert response.status_code == 302
    assert User.objects.get(email="new.person@example.org").memberships.get().role == "referrer"


def test_service_refuses_identifiable_roles_without_the_permission(
    personas: Personas, member: User, settings: Any
) -> None:
    """The forms hide these roles; the services refuse them too, for any other caller."""
    settings.SITE_URL = "https://safeguarding.example.org"
    with pytest.raises(ValidationError) as refused:
        services.membership_add(
            actor=personas.bu_officer,
            person=member,
            agency=personas.agency_a,
            team=None,
            role="mash_manager",
            starts_on=timezone.localdate(),
        )
    assert "only a business unit manager can give it" in refused.value.message_dict["role"][0]
    with pytest.raises(ValidationError) as refused_invite:
        services.person_invite(
            actor=personas.sysadmin,
            full_name="Someone",
            email="someone@example.org",
            job_title="",
            agency=personas.agency_a,
            team=None,
            role="business_unit_manager",
            request=None,
        )
    assert "role" in refused_invite.value.message_dict
    assert not member.memberships.filter(role="mash_manager").exists()
    assert not User.objects.filter(email="someone@example.org").exists()


# --- Email address changes ------------------------------------------------------------------------------


def _edit(client: Client, person: User, **changes: str) -> Any:
    data = {"full_name": person.full_name, "email": person.email, "job_title": person.job_title, "phone": ""}
    data.update(changes)
    return client.post(reverse("administration:person-edit", args=[person.pk]), data)


def test_bu_officer_cannot_change_a_mash_practitioners_email(
    personas: Personas, mash: User, django_capture_on_commit_callbacks: Any
) -> None:
    signed_in = sign_in(Client(), mash)
    client = personas.client("bu_officer")
    form = client.get(reverse("administration:person-edit", args=[mash.pk])).content.decode()
    assert "Their roles reach identifiable data, so only a business unit manager can change it." in form
    with django_capture_on_commit_callbacks(execute=True):
        refused = _edit(client, mash, email="taken.over@example.org")
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Mo Mash&#x27;s roles reach identifiable data, so only a business unit manager can change" in page
    assert 'href="#id_email"' in page
    mash.refresh_from_db()
    assert mash.email == "mo.mash@example.org"
    assert mail.outbox == []
    assert signed_in.get(reverse("core:home")).status_code == 200
    # Their other details are not sensitive: the officer may still correct those.
    assert _edit(client, mash, job_title="Senior practitioner").status_code == 302
    mash.refresh_from_db()
    assert (mash.job_title, mash.email) == ("Senior practitioner", "mo.mash@example.org")
    assert signed_in.get(reverse("core:home")).status_code == 200


def test_bu_manager_changes_a_mash_practitioners_email_ending_sessions_and_telling_the_old_address(
    personas: Personas, mash: User, django_capture_on_commit_callbacks: Any
) -> None:
    signed_in = sign_in(Client(), mash)
    assert signed_in.get(reverse("core:home")).status_code == 200
    reset_token = default_token_generator.make_token(mash)
    client = personas.client("bu_manager")
    with django_capture_on_commit_callbacks(execute=True):
        response = _edit(client, mash, email="Mo.Mash@New.example.org")
    assert response.status_code == 302
    mash.refresh_from_db()
    assert mash.email == "mo.mash@new.example.org"
    # Every session they had ends on its next request.
    assert signed_in.get(reverse("core:home"))["Location"].startswith(reverse("accounts:sign-in"))
    # A reset link sent before the change stops working (Django's token covers the address).
    assert not default_token_generator.check_token(mash, reset_token)
    # The old address hears who changed it, and to what.
    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.to == ["mo.mash@example.org"]
    assert "email address" in notice.subject
    assert "Mina Manager has changed the email address you use to sign in" in str(notice.body)
    assert "New address: mo.mash@new.example.org" in str(notice.body)
    assert "&#x27;" not in str(notice.body)
    event = AccessEvent.objects.get(subject_type="accounts.user", subject_id=str(mash.pk), action="change")
    assert event.actor == personas.bu_manager
    assert event.details["email"] == ["mo.mash@example.org", "mo.mash@new.example.org"]
    assert event.details["sessions"] == ["signed in", "ended"]
    confirmation = client.get(response["Location"]).content.decode()
    assert "signed out everywhere" in confirmation


def test_any_email_change_ends_sessions_and_tells_the_old_address(
    personas: Personas, member: User, django_capture_on_commit_callbacks: Any
) -> None:
    signed_in = sign_in(Client(), member, two_factor=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = _edit(personas.client("bu_officer"), member, email="sue.new@example.org")
    assert response.status_code == 302
    assert signed_in.get(reverse("core:home"))["Location"].startswith(reverse("accounts:sign-in"))
    assert [message.to for message in mail.outbox] == [["sue@example.org"]]
    assert "Omar Officer has changed" in str(mail.outbox[0].body)


def test_a_details_change_without_a_new_email_keeps_sessions_and_sends_nothing(
    personas: Personas, member: User, django_capture_on_commit_callbacks: Any
) -> None:
    signed_in = sign_in(Client(), member, two_factor=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert _edit(personas.client("bu_officer"), member, phone="01922 000000").status_code == 302
    assert signed_in.get(reverse("core:home")).status_code == 200
    assert mail.outbox == []


@pytest.mark.parametrize("how", ["deactivated", "starts later"])
def test_roles_not_yet_in_force_still_protect_the_email(personas: Personas, how: str) -> None:
    """Taking over a deactivated account, or one whose role starts next week, would hand over the role."""
    person = make_user(email="later@example.org", full_name="Lee Later")
    starts_on = timezone.localdate() + timedelta(days=7 if how == "starts later" else 0)
    Membership.objects.create(user=person, agency=personas.agency_a, role="mash_manager", starts_on=starts_on)
    if how == "deactivated":
        services.person_deactivate(actor=personas.bu_manager, person=person)
    assert selectors.person_reaches_identifiable_data(person)
    with pytest.raises(ValidationError):
        services.person_update(actor=personas.bu_officer, person=person, fields={"email": "mine@example.org"})
    person.refresh_from_db()
    assert person.email == "later@example.org"


def test_an_ended_identifiable_role_no_longer_protects_the_email(personas: Personas) -> None:
    person = make_user(email="past@example.org", full_name="Pat Past")
    Membership.objects.create(
        user=person,
        agency=personas.agency_a,
        role="mash_manager",
        starts_on="2020-01-01",
        ends_on="2021-01-01",
    )
    assert not selectors.person_reaches_identifiable_data(person)
    services.person_update(actor=personas.bu_officer, person=person, fields={"email": "pat@example.org"})
    person.refresh_from_db()
    assert person.email == "pat@example.org"


# --- Two-factor resets ----------------------------------------------------------------------------------


def test_bu_officer_cannot_reset_a_mash_practitioners_two_factor(personas: Personas, mash: User) -> None:
    give_two_factor(mash)
    client = personas.client("bu_officer")
    url = reverse("administration:person-two-factor-reset", args=[mash.pk])
    detail = client.get(_person(mash)).content.decode()
    assert url not in detail
    assert "so only a business unit manager can reset their two-factor sign-in" in detail
    for response in (client.get(url, follow=True), client.post(url, follow=True)):
        assert response.redirect_chain[-1][0] == _person(mash)
        assert "only a business unit manager can reset their two-factor sign-in" in response.content.decode()
    assert has_two_factor(mash)
    assert not AccessEvent.objects.filter(subject_id=str(mash.pk), details__has_key="two_factor").exists()
    # The manager may.
    manager = personas.client("bu_manager")
    assert url in manager.get(_person(mash)).content.decode()
    assert manager.post(url).status_code == 302
    assert not has_two_factor(mash)


def test_bu_officer_can_reset_two_factor_of_someone_without_identifiable_roles(
    personas: Personas, member: User
) -> None:
    give_two_factor(member)
    client = personas.client("bu_officer")
    url = reverse("administration:person-two-factor-reset", args=[member.pk])
    assert url in client.get(_person(member)).content.decode()
    assert client.post(url).status_code == 302
    assert not has_two_factor(member)


# --- Links in emails ------------------------------------------------------------------------------------


def test_links_come_from_the_request_or_else_from_site_url(personas: Personas, settings: Any) -> None:
    settings.SITE_URL = "https://safeguarding.example.org/"
    link = services.invitation_link(personas.a_worker)
    assert link.startswith("https://safeguarding.example.org/account/password/reset/")


def test_invitation_without_a_request_or_site_url_is_refused_before_anything_changes(
    personas: Personas, settings: Any
) -> None:
    settings.SITE_URL = ""
    with pytest.raises(ImproperlyConfigured, match="SAFEGUARDING_SITE_URL"):
        services.person_invite(
            actor=personas.bu_officer,
            full_name="Commanded Person",
            email="commanded@example.org",
            job_title="",
            agency=personas.agency_b,
            team=None,
            role="subgroup_member",
        )
    assert not User.objects.filter(email="commanded@example.org").exists()
    assert not AccessEvent.objects.filter(action="create").exists()


def test_invitation_from_a_command_links_to_site_url(
    personas: Personas, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SITE_URL = "https://safeguarding.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        services.person_invite(
            actor=personas.bu_officer,
            full_name="Commanded Person",
            email="commanded@example.org",
            job_title="",
            agency=personas.agency_b,
            team=None,
            role="subgroup_member",
        )
    assert "https://safeguarding.example.org/account/password/reset/" in str(mail.outbox[0].body)


def test_a_manager_must_prove_two_factor_before_giving_sensitive_roles(personas: Personas) -> None:
    """With only the password (two-factor set-up skipped), sensitive roles are not offered."""
    unverified = personas.client("bu_manager", two_factor=False)
    page = unverified.get(reverse("administration:person-invite")).content.decode()
    assert ">MASH manager<" not in page
    assert ">Subgroup member<" in page
    verified = personas.client("bu_manager").get(reverse("administration:person-invite")).content.decode()
    assert ">MASH manager<" in verified
