"""Pages about API tokens: revoking one, from a person's own account page or an administrator's."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from safeguarding.api.selectors import api_token_get_for_revoke
from safeguarding.api.services import api_token_revoke


@require_POST
def api_token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke a token at once: the owner may revoke their own; people.manage may revoke those in scope."""
    token = api_token_get_for_revoke(request.user, pk)
    if api_token_revoke(actor=request.user, token=token, channel="page", request=request):
        messages.success(
            request, f"Token {token.prefix}… revoked. Systems using it can no longer call the API."
        )
    else:
        messages.info(request, f"Token {token.prefix}… was already revoked.")
    return redirect(_safe_next(request))


def _safe_next(request: HttpRequest) -> str:
    """Back to the page the button was on (a path on this site), else the person's account page."""
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return reverse("accounts:my-account")
