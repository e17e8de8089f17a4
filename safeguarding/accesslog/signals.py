"""Sign-ins, failed sign-ins and sign-outs go into the access log, from Django's authentication signals.

Django sends these from `login()`, `authenticate()` and `logout()` wherever they are called (the sign-in
pages, the two-factor step, the API, tests), so listening here catches every path. The receivers only
hand over to the service; nothing else happens in them.

A failed sign-in records the email address tried, never the password: Django already masks the password
in the credentials it sends, and only the username is read here.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record


def record_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    access_event_record(actor=user, action=AccessEvent.Action.SIGN_IN, request=request)


def record_sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    email_tried = str(credentials.get("username") or credentials.get("email") or "")
    details: dict[str, Any] = {}
    # django-axes marks the request when the attempt was refused because the account is locked.
    if request is not None and getattr(request, "axes_locked_out", False):
        details["locked_out"] = True
    access_event_record(
        actor=None,
        action=AccessEvent.Action.SIGN_IN_FAILED,
        actor_email=email_tried,
        details=details,
        request=request,
    )


def record_sign_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:
        # logout() on a request that was never signed in: nobody to record.
        return
    access_event_record(actor=user, action=AccessEvent.Action.SIGN_OUT, request=request)


def connect() -> None:
    user_logged_in.connect(record_sign_in, dispatch_uid="accesslog.sign_in")
    user_login_failed.connect(record_sign_in_failed, dispatch_uid="accesslog.sign_in_failed")
    user_logged_out.connect(record_sign_out, dispatch_uid="accesslog.sign_out")
