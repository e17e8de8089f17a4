"""Reading API tokens: finding the token behind a secret, and the tokens a person may see or revoke."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from safeguarding.access.permissions import visible_to
from safeguarding.accounts.models import Agency, Membership, User
from safeguarding.accounts.roles import ROLES
from safeguarding.api.models import TOKEN_PREFIX_LENGTH, ApiToken

TOKEN_MARK = "sgp_"  # noqa: S105 - the mark every token starts with, not a secret


class TokenRefused(Exception):
    """A token that can't be used, with the reason given to the caller."""


class CommandLookupError(Exception):
    """No single person, membership or token matches what a command asked for (the message says why)."""


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def api_token_for_secret(secret: str) -> ApiToken:
    """The token a caller presented, if it may be used now; TokenRefused (with the reason) if not."""
    if not secret.startswith(TOKEN_MARK) or len(secret) <= TOKEN_PREFIX_LENGTH:
        raise TokenRefused("This is not a platform API token")
    presented = token_hash(secret)
    candidates = ApiToken.objects.filter(prefix=secret[:TOKEN_PREFIX_LENGTH]).select_related(
        "membership__user", "membership__agency"
    )
    # Look up by the non-secret prefix, then compare hashes in constant time.
    token = next((c for c in candidates if hmac.compare_digest(c.token_hash, presented)), None)
    if token is None:
        raise TokenRefused("Unknown API token")
    if token.is_revoked:
        raise TokenRefused("This API token has been revoked")
    if token.is_expired():
        raise TokenRefused("This API token has expired")
    membership = token.membership
    if not membership.user.is_active:
        raise TokenRefused("The person this API token belongs to has been deactivated")
    if not membership.agency.active:
        raise TokenRefused("The agency this API token acts for is no longer active")
    if not membership.is_current():
        raise TokenRefused("The role this API token acts through is not in force")
    return token


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """A person's own tokens, newest first, for their account page."""
    return ApiToken.objects.filter(membership__user=user).select_related(
        "membership__agency", "membership__user", "membership__team"
    )


def api_tokens_managed_by(viewer: Any, person: User) -> QuerySet[ApiToken]:
    """The tokens of `person` that `viewer` may see and revoke as a manager of people."""
    return visible_to(viewer, api_tokens_of(person), "people.manage")


def api_token_get_for_revoke(user: Any, pk: int) -> ApiToken:
    """A token the user may revoke: their own, or one they reach with people.manage; else 404."""
    tokens = ApiToken.objects.select_related("membership__agency", "membership__user")
    revocable = tokens.filter(membership__user=user) | visible_to(user, tokens, "people.manage")
    try:
        return revocable.get(pk=pk)
    except ApiToken.DoesNotExist as exc:
        raise Http404("No such API token, or not one you may revoke") from exc


def membership_for_new_token(*, email: str, agency_code: str, role: str | None = None) -> Membership:
    """The one current membership a new token will act through; CommandLookupError says why not."""
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise CommandLookupError(f"No person has the email address {email}")
    if not user.is_active:
        raise CommandLookupError(f"{user.email} has been deactivated")
    agency = Agency.objects.filter(code__iexact=agency_code.strip()).first()
    if agency is None:
        raise CommandLookupError(f"No agency has the code {agency_code}")
    if not agency.active:
        raise CommandLookupError(f"{agency.name} ({agency.code}) is not active")
    if role is not None and role not in ROLES:
        raise CommandLookupError(f"There is no role {role}; roles are: {', '.join(ROLES)}")
    memberships = list(user.memberships.current().filter(agency=agency).order_by("role", "pk"))
    if role is not None:
        memberships = [m for m in memberships if m.role == role]
        if not memberships:
            raise CommandLookupError(f"{user.email} does not hold the role {role} in {agency.code} today")
    if not memberships:
        raise CommandLookupError(f"{user.email} holds no current role in {agency.code}")
    if len({m.role for m in memberships}) > 1:
        roles = ", ".join(sorted({m.role for m in memberships}))
        raise CommandLookupError(
            f"{user.email} holds several roles in {agency.code} ({roles}): choose one with --role"
        )
    # The same role held twice (e.g. in two teams) grants the same permissions; take the oldest.
    return memberships[0]


def api_tokens_for_listing(
    *, email: str = "", agency_code: str = "", include_inactive: bool = False
) -> list[ApiToken]:
    """Tokens for the `token list` command, filtered by person and agency."""
    tokens = ApiToken.objects.select_related("membership__user", "membership__agency").order_by(
        "created_at", "pk"
    )
    if email:
        tokens = tokens.filter(membership__user__email__iexact=email.strip())
    if agency_code:
        tokens = tokens.filter(membership__agency__code__iexact=agency_code.strip())
    found = list(tokens)
    if not include_inactive:
        found = [t for t in found if t.status == ApiToken.Status.ACTIVE]
    return found


def api_token_for_command(reference: str) -> ApiToken:
    """The token named on the command line by its id, its prefix or the whole token."""
    reference = reference.strip()
    tokens = ApiToken.objects.select_related("membership__user", "membership__agency")
    if reference.isdigit():
        found = list(tokens.filter(pk=int(reference)))
    elif len(reference) > TOKEN_PREFIX_LENGTH:
        found = list(tokens.filter(token_hash=token_hash(reference)))
    else:
        found = list(tokens.filter(prefix=reference))
    if not found:
        raise CommandLookupError(f"No API token matches {reference}")
    if len(found) > 1:
        ids = ", ".join(str(t.pk) for t in found)
        raise CommandLookupError(f"Several API tokens start with {reference} (ids {ids}): give the id")
    return found[0]
