"""Reading referrals as the people who make them see them: drafts, "your referrals", and attachments.

Every read goes through access.visible_to / get_for_user with the person's own roles: a referrer reaches
their own referrals (referral.view, own scope), an agency's safeguarding lead the agency's (agency scope),
MASH roles every contact (partnership scope). Drafts are always the owner's alone (referral.submit, own).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from safeguarding.access.permissions import get_for_user, held_grants, holds, visible_to
from safeguarding.accounts.models import Agency
from safeguarding.accounts.roles import ROLES, Scope
from safeguarding.frontdoor.models import Contact, ContactChild, ReferralDraft

SUBMIT = "referral.submit"
VIEW = "referral.view"
MASH_VIEW = "contact.view"


@dataclass(frozen=True)
class ReferrerDetails:
    """Who the referrer is, as a contact will freeze it: from the account and the membership used."""

    name: str
    role: str
    email: str
    agency: Agency


def referral_agencies_for(user: Any) -> list[Agency]:
    """The agencies this person may refer for today (those where a current role grants referral.submit)."""
    agency_ids = {grant.agency_id for grant in held_grants(user) if grant.permission == SUBMIT}
    return list(Agency.objects.filter(pk__in=agency_ids, active=True).order_by("name"))


def referrer_details(user: Any, agency: Agency) -> ReferrerDetails:
    """The referrer's name, role and email for a referral made for `agency`.

    The role is the person's job title when they gave one ("Designated safeguarding lead", "Class teacher");
    otherwise the name of the role they hold in that agency.
    """
    role = user.job_title
    if not role:
        codes = sorted(
            {g.role for g in held_grants(user) if g.permission == SUBMIT and g.agency_id == agency.pk}
        )
        role = ", ".join(ROLES[code].name for code in codes)
    return ReferrerDetails(name=user.full_name, role=role, email=user.email, agency=agency)


def drafts_of(user: Any) -> QuerySet[ReferralDraft]:
    """The person's own drafts, most recently changed first."""
    return visible_to(user, ReferralDraft.objects.select_related("agency"), SUBMIT).order_by("-updated_at")


def draft_get_for_user(user: Any, pk: Any) -> ReferralDraft:
    """One of the person's own drafts; 404 for anyone else's."""
    return get_for_user(user, ReferralDraft.objects.select_related("agency"), pk, view_permission=SUBMIT)


def referral_view_scope(user: Any) -> Scope | None:
    """The widest scope in which the person sees referrals (own, agency, partnership), or None."""
    order = [Scope.OWN, Scope.TEAM, Scope.AGENCY, Scope.PARTNERSHIP]
    scopes = [grant.scope for grant in held_grants(user) if grant.permission == VIEW]
    return max(scopes, key=order.index) if scopes else None


def referrals_visible_to(user: Any) -> QuerySet[Contact]:
    """The referrals this person may follow, newest first, with the children named (for the list)."""
    children = Prefetch(
        "children", queryset=ContactChild.objects.only("id", "contact_id", "first_name", "last_name")
    )
    queryset = (
        Contact.objects.select_related("referrer_agency")
        .prefetch_related(children)
        .order_by("-received_at", "-pk")
    )
    return visible_to(user, queryset, VIEW)


def referral_get_for_user(user: Any, pk: Any) -> Contact:
    """A referral as the referrer (or their agency's lead) sees it; 404 outside their scope."""
    queryset = Contact.objects.select_related("referrer_agency").prefetch_related(
        "children", "household", "concerns", "attachments"
    )
    return get_for_user(user, queryset, pk, view_permission=VIEW)


def submitted_referral_get_for_user(user: Any, pk: Any) -> Contact:
    """A referral the person sent themselves (the confirmation): referral.submit reaches only their own."""
    return get_for_user(user, Contact.objects.all(), pk, view_permission=SUBMIT)


def contact_with_files_get_for_user(user: Any, pk: Any) -> Contact:
    """The contact an attachment belongs to, if the person may see it as a referrer or in the MASH."""
    permission = VIEW if holds(user, VIEW) else MASH_VIEW
    return get_for_user(user, Contact.objects.all(), pk, view_permission=permission)
