"""Changing agencies, teams, people and their roles, and unlocking sign-in lockouts.

Each function is one transaction that writes the change, and the access-log event saying who changed
what (details hold {"field": [old, new]}); django-simple-history records the row history in the same
transaction. Problems a person can fix are raised as ValidationError (keyed by form field where there is
one); changes that are refused outright raise AdministrationRefused with a message to show.

Two rules stop an administrator widening anyone's access beyond their own say-so:
- nobody changes their own roles, account details or account status here (refuse_own_account): another
  administrator has to, so giving oneself a role always takes two people;
- roles that reach identifiable data (Role.grants_identifiable: children's records, or the access log that
  names them) are given only by someone holding people.grant_sensitive, who is also the only one who may
  change the email address or reset the two-factor sign-in of a person holding such a role (otherwise
  changing the address and sending a reset link to it would hand the account, and its access, to anyone).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.accounts.models import Agency, Membership, Team, User
from safeguarding.accounts.roles import ROLES
from safeguarding.accounts.selectors import (
    may_grant_sensitive,
    person_reaches_identifiable_data,
    sensitive_role_givers,
)
from safeguarding.accounts.services.two_factor import two_factor_reset

CREATE = AccessEvent.Action.CREATE
CHANGE = AccessEvent.Action.CHANGE

AGENCY_FIELDS = ("name", "code", "kind", "email", "phone", "address")
# What an agency's own safeguarding lead may change; name, code and kind belong to the business unit.
AGENCY_CONTACT_FIELDS = ("email", "phone", "address")
PERSON_FIELDS = ("full_name", "email", "job_title", "phone")


class AdministrationRefused(Exception):
    """A change that is not allowed in the record's present state; the message says why, for the page."""


def refuse_own_account(*, actor: User, person: User, doing: str) -> None:
    """Refuse when an administrator acts on their own account; `doing` completes "You cannot ..."."""
    if person.pk == actor.pk:
        raise AdministrationRefused(
            f"You cannot {doing}: nobody may change their own roles or account through the administration "
            "pages. Ask another administrator."
        )


def _check_may_give(*, actor: User, role: str) -> None:
    definition = ROLES.get(role)
    if definition is not None and definition.grants_identifiable and not may_grant_sensitive(actor):
        raise ValidationError(
            {
                "role": f"{definition.name} reaches identifiable data, so only a {sensitive_role_givers()} "
                "can give it"
            }
        )


def _changes(instance: models.Model, new_values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{"field": [old, new]} for each field whose value differs."""
    changed = {}
    for field, new in new_values.items():
        old = getattr(instance, field)
        if old != new:
            changed[field] = [old, new]
    return changed


# --- Agencies -------------------------------------------------------------------------------------------


def _agency_clashes(*, name: str | None, code: str | None, excluding: Agency | None) -> dict[str, str]:
    others = Agency.objects.all() if excluding is None else Agency.objects.exclude(pk=excluding.pk)
    errors = {}
    if name is not None and others.filter(name__iexact=name).exists():
        errors["name"] = "An agency with this name already exists"
    if code is not None and others.filter(code__iexact=code).exists():
        errors["code"] = "An agency with this code already exists"
    return errors


def _save_agency(agency: Agency) -> None:
    errors = _agency_clashes(name=agency.name, code=agency.code, excluding=agency if agency.pk else None)
    if errors:
        raise ValidationError(errors)
    try:
        # A savepoint, so a clash that slips past the check above (two people at once) leaves the outer
        # transaction usable and becomes the same form error.
        with transaction.atomic():
            agency.save()
    except IntegrityError as exc:
        raise ValidationError(
            _agency_clashes(name=agency.name, code=agency.code, excluding=agency if agency.pk else None)
            or "This agency clashes with another one"
        ) from exc


def agency_create(
    *,
    actor: User,
    name: str,
    code: str,
    kind: str,
    email: str = "",
    phone: str = "",
    address: str = "",
    request: HttpRequest | None = None,
) -> Agency:
    """Add an agency to the partnership."""
    with transaction.atomic():
        agency = Agency(name=name, code=code, kind=kind, email=email, phone=phone, address=address)
        _save_agency(agency)
        access_event_record(
            actor=actor,
            action=CREATE,
            subject=agency,
            details={field: [None, getattr(agency, field)] for field in AGENCY_FIELDS},
            request=request,
        )
    return agency


def agency_update(
    *, actor: User, agency: Agency, fields: Mapping[str, Any], request: HttpRequest | None = None
) -> Agency:
    """Change an agency's details. `fields` may hold any of AGENCY_FIELDS."""
    unknown = set(fields) - set(AGENCY_FIELDS)
    if unknown:
        raise ValueError(f"Not agency details: {sorted(unknown)}")
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
        changed = _changes(agency, fields)
        if not changed:
            return agency
        for field, (_old, new) in changed.items():
            setattr(agency, field, new)
        _save_agency(agency)
        access_event_record(actor=actor, action=CHANGE, subject=agency, details=changed, request=request)
    return agency


def agency_set_active(
    *, actor: User, agency: Agency, active: bool, request: HttpRequest | None = None
) -> Agency:
    """Deactivate an agency (its people's roles there stop applying, their history stays) or reactivate it."""
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
        if agency.active == active:
            raise AdministrationRefused(f"{agency.name} is already {'active' if active else 'deactivated'}.")
        if not active and actor.current_memberships().filter(agency=agency).exists():
            raise AdministrationRefused(
                f"You hold your own roles through {agency.name}, so deactivating it would remove your "
                "access. Ask another administrator to do it."
            )
        agency.active = active
        agency.save(update_fields=["active", "updated_at"])
        access_event_record(
            actor=actor,
            action=CHANGE,
            subject=agency,
            details={"active": [not active, active]},
            request=request,
        )
    return agency


# --- Teams ----------------------------------------------------------------------------------------------


def _save_team(team: Team) -> None:
    clash = Team.objects.filter(agency_id=team.agency_id, name__iexact=team.name)
    if team.pk:
        clash = clash.exclude(pk=team.pk)
    if clash.exists():
        raise ValidationError({"name": "This agency already has a team with this name"})
    try:
        with transaction.atomic():
            team.save()
    except IntegrityError as exc:
        raise ValidationError({"name": "This agency already has a team with this name"}) from exc


def team_create(*, actor: User, agency: Agency, name: str, request: HttpRequest | None = None) -> Team:
    """Add a team to an agency."""
    with transaction.atomic():
        team = Team(agency=agency, name=name)
        _save_team(team)
        access_event_record(
            actor=actor,
            action=CREATE,
            subject=team,
            details={"agency": [None, agency.code], "name": [None, name]},
            request=request,
        )
    return team


def team_rename(*, actor: User, team: Team, name: str, request: HttpRequest | None = None) -> Team:
    with transaction.atomic():
        team = Team.objects.select_for_update().select_related("agency").get(pk=team.pk)
        changed = _changes(team, {"name": name})
        if not changed:
            return team
        team.name = name
        _save_team(team)
        access_event_record(actor=actor, action=CHANGE, subject=team, details=changed, request=request)
    return team


def team_set_active(*, actor: User, team: Team, active: bool, request: HttpRequest | None = None) -> Team:
    """Deactivate a team (no new roles can name it; current roles in it stay) or reactivate it."""
    with transaction.atomic():
        team = Team.objects.select_for_update().select_related("agency").get(pk=team.pk)
        if team.active == active:
            raise AdministrationRefused(f"{team.name} is already {'active' if active else 'deactivated'}.")
        team.active = active
        team.save(update_fields=["active", "updated_at"])
        access_event_record(
            actor=actor,
            action=CHANGE,
            subject=team,
            details={"active": [not active, active]},
            request=request,
        )
    return team


# --- People ---------------------------------------------------------------------------------------------


def _email_clash(email: str, excluding: User | None = None) -> bool:
    people = User.objects.filter(email__iexact=email)
    if excluding is not None:
        people = people.exclude(pk=excluding.pk)
    return people.exists()


def _check_links_can_be_built(request: HttpRequest | None) -> None:
    """Refuse before writing anything when an email needs a link and there is nothing to build it from."""
    if request is None and not settings.SITE_URL:
        raise ImproperlyConfigured(
            "Emails sent outside a web request (from a command or a task) link to the platform at "
            "SAFEGUARDING_SITE_URL: set it to the address people use, such as https://safeguarding.example.org"
        )


def absolute_url(path: str, request: HttpRequest | None) -> str:
    """The full address of a path: from the request people used, or else from SAFEGUARDING_SITE_URL."""
    if request is not None:
        return request.build_absolute_uri(path)
    _check_links_can_be_built(request)
    return settings.SITE_URL.rstrip("/") + path


def invitation_link(person: User, request: HttpRequest | None = None) -> str:
    """A link to choose a password (Django's password-reset token: it stops working once used)."""
    path = reverse(
        "accounts:password-reset-confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
            "token": default_token_generator.make_token(person),
        },
    )
    return absolute_url(path, request)


def _send_invitation(person: User, inviter: User, request: HttpRequest | None) -> None:
    context = {
        "person": person,
        "inviter": inviter,
        "link": invitation_link(person, request),
        "partnership_name": settings.PARTNERSHIP_NAME,
        "support_email": settings.SUPPORT_EMAIL,
        "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    subject = render_to_string("accounts/admin/email/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/admin/email/invitation.txt", context)
    send_mail(subject, body, None, [person.email])


def _send_email_change_notice(
    *, full_name: str, old_email: str, new_email: str, changed_by: str, changed_at: datetime
) -> None:
    """Tell the old address that sign-in moved elsewhere: if it wasn't wanted, they can raise it at once."""
    context = {
        "full_name": full_name,
        "old_email": old_email,
        "new_email": new_email,
        "changed_by": changed_by,
        "changed_at": changed_at,
        "partnership_name": settings.PARTNERSHIP_NAME,
        "support_email": settings.SUPPORT_EMAIL,
    }
    subject = render_to_string("accounts/admin/email/email_changed_subject.txt", context).strip()
    body = render_to_string("accounts/admin/email/email_changed.txt", context)
    send_mail(subject, body, None, [old_email])


def _check_membership(*, person: User, agency: Agency, team: Team | None, role: str, starts_on: date) -> None:
    errors: dict[str, str] = {}
    if role not in ROLES:
        errors["role"] = "Select a role from the list"
    if not agency.active:
        errors["agency"] = "This agency is deactivated; reactivate it first"
    if team is not None and team.agency_id != agency.pk:
        errors["team"] = f"Select a team in {agency.name}, or no team"
    elif team is not None and not team.active:
        errors["team"] = "This team is deactivated"
    if errors:
        raise ValidationError(errors)
    # A new account (not saved yet) has no roles to overlap.
    overlapping = person.pk is not None and (
        person.memberships.filter(agency=agency, role=role, team=team)
        .filter(models.Q(ends_on__isnull=True) | models.Q(ends_on__gt=starts_on))
        .exists()
    )
    if overlapping:
        raise ValidationError(
            {
                "role": f"{person.full_name} already holds this role in {agency.name}"
                + (f", {team.name}" if team else "")
            }
        )


def _membership_details(membership: Membership) -> dict[str, list[Any]]:
    return {
        "user": [None, membership.user.email],
        "agency": [None, membership.agency.code],
        "team": [None, membership.team.name if membership.team else None],
        "role": [None, membership.role],
        "starts_on": [None, membership.starts_on],
    }


def person_invite(
    *,
    actor: User,
    full_name: str,
    email: str,
    job_title: str,
    agency: Agency,
    team: Team | None,
    role: str,
    request: HttpRequest | None = None,
) -> User:
    """Create an account with no password and a first role, and email a link to choose a password.

    A role reaching identifiable data needs people.grant_sensitive.
    """
    email = email.strip().lower()
    _check_links_can_be_built(request)
    with transaction.atomic():
        if _email_clash(email):
            raise ValidationError({"email": "A person with this email address already has an account"})
        person = User(email=email, full_name=full_name, job_title=job_title)
        person.set_unusable_password()
        _check_membership(person=person, agency=agency, team=team, role=role, starts_on=timezone.localdate())
        _check_may_give(actor=actor, role=role)
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError as exc:
            raise ValidationError(
                {"email": "A person with this email address already has an account"}
            ) from exc
        membership = Membership.objects.create(
            user=person, agency=agency, team=team, role=role, starts_on=timezone.localdate()
        )
        access_event_record(
            actor=actor,
            action=CREATE,
            subject=person,
            details={"email": [None, email], "full_name": [None, full_name], "job_title": [None, job_title]},
            request=request,
        )
        access_event_record(
            actor=actor,
            action=CREATE,
            subject=membership,
            details=_membership_details(membership),
            request=request,
        )
        # After commit: an email can't be taken back if the transaction later fails.
        transaction.on_commit(lambda: _send_invitation(person, actor, request))
    return person


def person_invitation_resend(*, actor: User, person: User, request: HttpRequest | None = None) -> None:
    """Send a fresh link to someone who has not chosen a password yet (the first link lasts a few hours)."""
    refuse_own_account(actor=actor, person=person, doing="send yourself an invitation")
    _check_links_can_be_built(request)
    with transaction.atomic():
        person = User.objects.get(pk=person.pk)
        if person.has_usable_password():
            raise AdministrationRefused(
                f"{person.full_name} has already chosen a password. If they have forgotten it, they can "
                "reset it from the sign-in page."
            )
        if not person.is_active:
            raise AdministrationRefused(f"{person.full_name}'s account is deactivated. Reactivate it first.")
        access_event_record(
            actor=actor,
            action=CHANGE,
            subject=person,
            details={"invitation": [None, "sent again"]},
            request=request,
        )
        transaction.on_commit(lambda: _send_invitation(person, actor, request))


def person_update(
    *, actor: User, person: User, fields: Mapping[str, Any], request: HttpRequest | None = None
) -> User:
    """Change a person's name, email address, job title or phone number.

    A new email address is where password-reset links go, so it decides who controls the account: for a
    person whose roles reach identifiable data it needs people.grant_sensitive. Any change of address ends
    the person's sessions and emails the old address (after commit) saying who changed it.
    """
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"Not personal details: {sorted(unknown)}")
    refuse_own_account(actor=actor, person=person, doing="change your own details")
    values = dict(fields)
    if "email" in values:
        values["email"] = values["email"].strip().lower()
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        changed = _changes(person, values)
        if not changed:
            return person
        details: dict[str, Any] = dict(changed)
        if "email" in changed:
            if person_reaches_identifiable_data(person) and not may_grant_sensitive(actor):
                raise ValidationError(
                    {
                        "email": f"{person.full_name}'s roles reach identifiable data, so only a "
                        f"{sensitive_role_givers()} can change their email address"
                    }
                )
            if _email_clash(values["email"], excluding=person):
                raise ValidationError({"email": "Another person already uses this email address"})
            # Sessions opened under the old address end: whoever holds them may be who it was taken from.
            person.session_generation += 1
            details["sessions"] = ["signed in", "ended"]
        for field, (_old, new) in changed.items():
            setattr(person, field, new)
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError as exc:
            raise ValidationError({"email": "Another person already uses this email address"}) from exc
        access_event_record(actor=actor, action=CHANGE, subject=person, details=details, request=request)
        if "email" in changed:
            old_email, new_email = changed["email"]
            notice = {
                "full_name": person.full_name,
                "old_email": old_email,
                "new_email": new_email,
                "changed_by": actor.full_name,
                "changed_at": timezone.now(),
            }
            transaction.on_commit(lambda: _send_email_change_notice(**notice))
    return person


def person_deactivate(*, actor: User, person: User, request: HttpRequest | None = None) -> User:
    """Stop a person signing in and end every session they have; their roles and history stay on record."""
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        refuse_own_account(actor=actor, person=person, doing="deactivate your own account")
        if not person.is_active:
            raise AdministrationRefused(f"{person.full_name}'s account is already deactivated.")
        person.is_active = False
        person.deactivated_at = timezone.now()
        # A new generation changes the session hash, so every signed-in session ends on its next request.
        person.session_generation += 1
        person.save(update_fields=["is_active", "deactivated_at", "session_generation"])
        access_event_record(
            actor=actor, action=CHANGE, subject=person, details={"is_active": [True, False]}, request=request
        )
    return person


def person_reactivate(*, actor: User, person: User, request: HttpRequest | None = None) -> User:
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        refuse_own_account(actor=actor, person=person, doing="reactivate your own account")
        if person.is_active:
            raise AdministrationRefused(f"{person.full_name}'s account is already active.")
        person.is_active = True
        person.deactivated_at = None
        person.save(update_fields=["is_active", "deactivated_at"])
        access_event_record(
            actor=actor, action=CHANGE, subject=person, details={"is_active": [False, True]}, request=request
        )
    return person


def check_two_factor_reset_allowed(*, actor: User, person: User) -> None:
    """Refuse a reset of one's own two-factor, or of an identifiable role holder's without the permission."""
    refuse_own_account(actor=actor, person=person, doing="reset your own two-factor sign-in")
    if person_reaches_identifiable_data(person) and not may_grant_sensitive(actor):
        raise AdministrationRefused(
            f"{person.full_name}'s roles reach identifiable data, so only a {sensitive_role_givers()} can "
            "reset their two-factor sign-in."
        )


def person_two_factor_reset(*, actor: User, person: User, request: HttpRequest | None = None) -> None:
    """Remove a person's authenticator and recovery codes (a lost or replaced phone) and end their sessions.

    Their sessions end too, because a lost phone may still be signed in. They set up a new authenticator
    the next time they sign in. For a person whose roles reach identifiable data this needs
    people.grant_sensitive: two-factor is what guards that data if their password is known to someone else.
    """
    with transaction.atomic():
        person = User.objects.select_for_update().get(pk=person.pk)
        check_two_factor_reset_allowed(actor=actor, person=person)
        two_factor_reset(user=person)
        person.session_generation += 1
        person.save(update_fields=["session_generation"])
        access_event_record(
            actor=actor,
            action=CHANGE,
            subject=person,
            details={"two_factor": ["set up", "reset"]},
            request=request,
        )


# --- Memberships ----------------------------------------------------------------------------------------


def membership_add(
    *,
    actor: User,
    person: User,
    agency: Agency,
    team: Team | None,
    role: str,
    starts_on: date,
    request: HttpRequest | None = None,
) -> Membership:
    """Give a person a role in an agency (and optionally one of its teams) from a start date.

    Never to oneself; a role reaching identifiable data needs people.grant_sensitive.
    """
    refuse_own_account(actor=actor, person=person, doing="give yourself a role")
    with transaction.atomic():
        _check_membership(person=person, agency=agency, team=team, role=role, starts_on=starts_on)
        _check_may_give(actor=actor, role=role)
        membership = Membership.objects.create(
            user=person, agency=agency, team=team, role=role, starts_on=starts_on
        )
        access_event_record(
            actor=actor,
            action=CREATE,
            subject=membership,
            details=_membership_details(membership),
            request=request,
        )
    return membership


def membership_end(*, actor: User, membership: Membership, request: HttpRequest | None = None) -> Membership:
    """End a role today: ends_on becomes today, the first day it no longer applies.

    A role that has not started yet ends on its start date, so it never applies. A role that has
    already ended is refused.
    """
    today = timezone.localdate()
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().select_related("user", "agency").get(pk=membership.pk)
        )
        refuse_own_account(actor=actor, person=membership.user, doing="end your own role")
        if membership.ends_on is not None and membership.ends_on <= today:
            raise AdministrationRefused(
                f"This role already ended on {date_format(membership.ends_on, 'j F Y')}; "
                "there is nothing to end."
            )
        ends_on = max(today, membership.starts_on)
        old = membership.ends_on
        membership.ends_on = ends_on
        membership.save(update_fields=["ends_on", "updated_at"])
        access_event_record(
            actor=actor,
            action=CHANGE,
            subject=membership,
            details={"ends_on": [old, ends_on]},
            request=request,
        )
    return membership


# --- Lockouts -------------------------------------------------------------------------------------------


def lockout_unlock(
    *, actor: User, username: str, ip_address: str | None, request: HttpRequest | None = None
) -> int:
    """Clear django-axes' failed attempts for one email from one address, so sign-in works at once.

    Returns how many attempt records were removed (0 when the lockout had already ended).
    """
    with transaction.atomic():
        removed = axes_reset(username=username, ip=ip_address or None)
        person = User.objects.filter(email__iexact=username).first()
        access_event_record(
            actor=actor,
            action=CHANGE,
            subject=person,
            subject_type="" if person else "axes.accessattempt",
            subject_id="" if person else username[:64],
            subject_label="" if person else username,
            details={"locked_out": [True, False], "username": username, "ip_address": ip_address},
            request=request,
        )
    return removed
