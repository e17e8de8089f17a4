"""Request-wide plumbing: a request id for every request (carried into the access log and responses)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class ClientAddressMiddleware:
    """Behind trusted reverse proxies, put the real client's address in REMOTE_ADDR.

    With settings.PROXY_COUNT = N, the address is the Nth entry from the right of X-Forwarded-For (each proxy
    appends the address it received the request from, so entries further left can be forged by the client).
    Without proxies the header is ignored. Lockout (django-axes) and the access log both read REMOTE_ADDR.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = settings.PROXY_COUNT
        if count > 0:
            hops = [
                hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()
            ]
            if len(hops) >= count:
                request.META["REMOTE_ADDR"] = hops[-count]
        return self.get_response(request)


class RequestIdMiddleware:
    """Give each request an id: the proxy's X-Request-ID when behind a trusted proxy, else a new one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Only a trusted proxy's request id is kept: a client could otherwise plant ids in the access log.
        incoming = request.headers.get("X-Request-ID", "") if settings.PROXY_COUNT > 0 else ""
        request.request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            # Pages with personal data must not be kept by browsers or shared caches.
            response.setdefault("Cache-Control", "no-store, private")
        return response
