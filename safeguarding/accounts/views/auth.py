"""Signing in and out, two-factor sign-in, and the person's own account page.

Sign-in is two steps for anyone with an authenticator: email and password, then a code. The person is
not signed in at all until the second step succeeds. Someone whose roles reach identifiable data and who
has no authenticator yet is sent to set one up straight after the password step.
"""

from __future__ import annotations

import base64
import io
import time
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.access.decorators import is_two_factor_verified
from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.services import access_event_record
from safeguarding.accounts.forms.auth import CodeForm, RecoveryCodeForm, SignInForm
from safeguarding.accounts.models import User
from safeguarding.accounts.services import two_factor
from safeguarding.accounts.services.passwords import password_set
from safeguarding.accounts.services.sessions import sign_out_everywhere
from safeguarding.core.forms import GovukFormMixin

PENDING_USER = "two_factor_pending_user"
PENDING_BACKEND = "two_factor_pending_backend"
PENDING_SINCE = "two_factor_pending_since"
PENDING_ATTEMPTS = "two_factor_pending_attempts"
RECOVERY_CODES_TO_SHOW = "recovery_codes_to_show"
PENDING_SECONDS = 5 * 60
MAX_CODE_ATTEMPTS = 5


def _next_url(request: HttpRequest, default: str = "") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default or reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(url: str, next_url: str) -> str:
    from urllib.parse import urlencode

    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _pending_user(request: HttpRequest) -> User | None:
    pk = request.session.get(PENDING_USER)
    since = request.session.get(PENDING_SINCE, 0)
    if pk is None or time.time() - since > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def _clear_pending(request: HttpRequest) -> None:
    for key in (PENDING_USER, PENDING_BACKEND, PENDING_SINCE, PENDING_ATTEMPTS):
        request.session.pop(key, None)


@login_not_required
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if request.user.is_authenticated:
        return HttpResponseRedirect(next_url)
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user: Any = form.get_user()
        if two_factor.has_two_factor(user):
            request.session.cycle_key()
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_BACKEND] = user.backend
            request.session[PENDING_SINCE] = time.time()
            request.session[PENDING_ATTEMPTS] = 0
            return redirect(_with_next(reverse("accounts:two-factor"), next_url))
        login(request, user)
        if user.roles_grant_identifiable:
            messages.info(
                request,
                "Your role lets you see information that identifies children, so you need to set up "
                "two-factor sign-in before you can open it.",
            )
            return redirect(_with_next(reverse("accounts:two-factor-setup"), next_url))
        return HttpResponseRedirect(next_url)
    return render(
        request,
        "accounts/sign_in.html",
        {
            "page_title": "Sign in",
            "form": form,
            "next": next_url,
            "idle_minutes": settings.IDLE_TIMEOUT_MINUTES,
        },
    )


@login_not_required
@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of sign-in, or re-verification before identifiable pages."""
    next_url = _next_url(request)
    pending = _pending_user(request)
    user: Any = pending or (request.user if request.user.is_authenticated else None)
    if user is None:
        messages.info(request, "Your sign-in took too long. Sign in again.")
        return redirect(_with_next(reverse("accounts:sign-in"), next_url))
    if request.user.is_authenticated and is_two_factor_verified(request.user):
        return HttpResponseRedirect(next_url)
    use_recovery = request.GET.get("method") == "recovery" or request.POST.get("method") == "recovery"
    form: GovukFormMixin = (RecoveryCodeForm if use_recovery else CodeForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():  # type: ignore[attr-defined]
        code = form.cleaned_data["code"]  # type: ignore[attr-defined]
        device = match_token(user, code)
        if device is not None:
            if pending is not None:
                backend = request.session.get(PENDING_BACKEND)
                _clear_pending(request)
                login(request, user, backend=backend)
            otp_login(request, device)
            if use_recovery:
                left = two_factor.recovery_codes_left(user)
                messages.warning(request, f"You used a recovery code. You have {left} left.")
            return HttpResponseRedirect(next_url)
        # A wrong second factor doesn't pass through Django's failed-login signal: log it here.
        access_event_record(
            actor=None,
            action=AccessEvent.Action.SIGN_IN_FAILED,
            actor_email=user.email,
            details={"reason": "wrong two-factor code", "recovery_code": use_recovery},
            request=request,
        )
        attempts = request.session.get(PENDING_ATTEMPTS, 0) + 1
        request.session[PENDING_ATTEMPTS] = attempts
        if attempts >= MAX_CODE_ATTEMPTS:
            _clear_pending(request)
            if request.user.is_authenticated:
                logout(request)
            messages.error(request, "Too many wrong codes. Sign in again.")
            return redirect(reverse("accounts:sign-in"))
        form.add_error("code", "The code is not right. Check your app, wait a few seconds, and try again.")  # type: ignore[attr-defined]
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"page_title": "Enter your code", "form": form, "next": next_url, "use_recovery": use_recovery},
    )


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _prove_existing_factor(request: HttpRequest) -> HttpResponse | None:
    """Someone who already has an authenticator must use it in this session before replacing it or its codes.

    Otherwise a session signed in with a stolen password alone could swap in the thief's own second factor.
    """
    if two_factor.has_two_factor(request.user) and not is_two_factor_verified(request.user):  # type: ignore[arg-type]
        return redirect(_with_next(reverse("accounts:two-factor"), request.get_full_path()))
    return None


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    detour = _prove_existing_factor(request)
    if detour is not None:
        return detour
    user: User = request.user  # type: ignore[assignment]
    next_url = _next_url(request)
    # Reuse the secret being set up, so reloading the page never invalidates a QR code being scanned.
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = two_factor.totp_enrolment_start(user=user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.totp_enrolment_confirm(
            user=user, device=device, token=form.cleaned_data["code"], request=request
        )
        if codes is not None:
            update_session_auth_hash(request, user)
            otp_login(request, device)
            request.session[RECOVERY_CODES_TO_SHOW] = codes
            return redirect(_with_next(reverse("accounts:recovery-codes"), next_url))
        form.add_error(
            "code", "The code is not right. Scan the QR code again or check the time on your phone."
        )
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "page_title": "Set up two-factor sign-in",
            "form": form,
            "qr": _qr_svg(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": next_url,
            "replacing": two_factor.has_two_factor(user),
        },
    )


@never_cache
@require_GET
def recovery_codes(request: HttpRequest) -> HttpResponse:
    codes = request.session.pop(RECOVERY_CODES_TO_SHOW, None)
    if not codes:
        return redirect("accounts:my-account")
    return render(
        request,
        "accounts/recovery_codes.html",
        {"page_title": "Save your recovery codes", "codes": codes, "next": _next_url(request)},
    )


@require_POST
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not two_factor.has_two_factor(user):
        return redirect("accounts:two-factor-setup")
    detour = _prove_existing_factor(request)
    if detour is not None:
        return detour
    request.session[RECOVERY_CODES_TO_SHOW] = two_factor.recovery_codes_regenerate(user=user, request=request)
    update_session_auth_hash(request, user)
    return redirect("accounts:recovery-codes")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:signed-out")


@require_POST
def sign_out_everywhere_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    sign_out_everywhere(user=user, request=request)
    logout(request)
    messages.success(request, "You have been signed out on every device.")
    return redirect("accounts:signed-out")


@login_not_required
@require_GET
def signed_out(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/signed_out.html",
        {"page_title": "You have been signed out", "idle": request.GET.get("idle") == "1"},
    )


@require_GET
def my_account(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    return render(
        request,
        "accounts/my_account.html",
        {
            "page_title": "Your account",
            "memberships": user.memberships.select_related("agency", "team").order_by("-starts_on"),
            "has_two_factor": two_factor.has_two_factor(user),
            "recovery_left": two_factor.recovery_codes_left(user),
            "needs_two_factor": user.roles_grant_identifiable,
            "idle_minutes": settings.IDLE_TIMEOUT_MINUTES,
        },
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:my-account")
    extra_context = {"page_title": "Change your password"}

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        _govukify(form)
        return form

    def form_valid(self, form: Any) -> HttpResponse:
        password_set(
            user=form.user,
            new_password=form.cleaned_data["new_password1"],
            via="change",
            request=self.request,
        )
        # Other sessions end with the old password; this one carries on.
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, "Your password has been changed.")
        return HttpResponseRedirect(self.get_success_url())


def _govukify(form: Any) -> None:
    for field in form.fields.values():
        field.widget.attrs["class"] = "govuk-input govuk-!-width-one-half"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-sent")
    extra_context = {"page_title": "Reset your password"}

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        _govukify(form)
        return form


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-done")
    extra_context = {"page_title": "Choose a new password"}

    def form_valid(self, form: Any) -> HttpResponse:
        password_set(
            user=form.user, new_password=form.cleaned_data["new_password1"], via="reset", request=self.request
        )
        # The link works once: forget the token Django kept in the session for this reset.
        self.request.session.pop(auth_views.INTERNAL_RESET_SESSION_TOKEN, None)
        return HttpResponseRedirect(self.get_success_url())

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)
        _govukify(form)
        return form


@login_not_required
@require_GET
def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_reset_sent.html", {"page_title": "Check your email"})


@login_not_required
@require_GET
def password_reset_done(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accounts/password_reset_done.html", {"page_title": "Your password has been reset"}
    )
