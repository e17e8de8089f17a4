"""Who is calling the API: bearer tokens, the caller they stand for, and per-endpoint permission checks.

Every endpoint (except the public health check) runs behind `ApiTokenAuth`. It resolves the token to an
`ApiCaller`: the token, its membership and a `TokenActor` (the person, holding that membership's role
only). Endpoints then ask for the permission they need with `caller_with(request, "agency.view")` and
reach records through `safeguarding.access.permissions` with `caller.actor`, exactly as pages do with
`request.user`. The call is logged after the response is made (see `api.record_api_call`); an endpoint
names what it returned with `caller.about(record)` or `caller.about_list(Model, count)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from safeguarding.access.permissions import holds
from safeguarding.accounts.models import Membership
from safeguarding.api.models import ApiToken, TokenActor
from safeguarding.api.selectors import TokenRefused, api_token_for_secret

# The answer to a call without a bearer token (the words for the caller, not a secret).
MISSING_TOKEN = "Send an API token in the Authorization header: 'Authorization: Bearer sgp_...'"  # noqa: S105


@dataclass
class ApiCaller:
    """The token behind one API call and what the call is about (for the access log)."""

    token: ApiToken
    actor: TokenActor
    subject: models.Model | None = None
    subject_type: str = ""
    subject_label: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def membership(self) -> Membership:
        return self.token.membership

    def about(self, record: models.Model) -> None:
        """Name the record this call returned or changed."""
        self.subject = record

    def about_list(self, model: type[models.Model], count: int) -> None:
        """Name the kind of records this call listed, and how many matched."""
        self.subject_type = model._meta.label_lower
        self.subject_label = f"List of {model._meta.verbose_name_plural}"
        self.details["count"] = count


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer sgp_...`; anything else is refused with 401 and the reason."""

    def __call__(self, request: HttpRequest) -> ApiCaller | None:
        scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise AuthenticationError(message=MISSING_TOKEN)
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiCaller:
        try:
            api_token = api_token_for_secret(token)
        except TokenRefused as refusal:
            raise AuthenticationError(message=str(refusal)) from refusal
        actor = TokenActor.for_membership(api_token.membership)
        # Anything that reads request.user during the call (record history, for one) sees the token's person.
        request.user = actor
        return ApiCaller(token=api_token, actor=actor)


def api_caller(request: HttpRequest) -> ApiCaller:
    """The caller of an authenticated endpoint (ApiTokenAuth has already run)."""
    caller = getattr(request, "auth", None)
    if not isinstance(caller, ApiCaller):
        raise AuthenticationError(message=MISSING_TOKEN)
    return caller


def caller_with(request: HttpRequest, permission: str) -> ApiCaller:
    """The caller, if the token's role grants `permission` in some scope; 403 otherwise."""
    caller = api_caller(request)
    if not holds(caller.actor, permission):
        raise PermissionDenied(f"This token's role does not grant {permission}")
    return caller
