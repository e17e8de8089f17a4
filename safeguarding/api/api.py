"""The platform's API: one NinjaAPI at /api/v1/, its error bodies, its call log and its health check.

Each app adds endpoints by defining `router = ninja.Router(...)` in its own `api.py`; `mount_app_routers`
finds and mounts them, so no app edits this file. Every endpoint needs a token (`ApiTokenAuth`) unless it
passes `auth=None` (only the health check does), and every authenticated call is written to the access
log by `record_api_call`, which wraps every operation of the API.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError
from ninja.openapi.docs import DocsBase

from safeguarding.api import foundation
from safeguarding.api.auth import ApiCaller, ApiTokenAuth
from safeguarding.api.schemas import HealthOut
from safeguarding.api.services import api_call_record

logger = logging.getLogger(__name__)

API_TITLE = "Safeguarding Partnership Platform API"
API_VERSION = "1.0.0"


class LocalSwaggerDocs(DocsBase):
    """Swagger UI from the platform's own static files: the CSP allows no CDN and no inline script."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        return render(
            request,
            "api/docs.html",
            {
                "page_title": api.title,
                "swagger_settings": {
                    "url": self.get_openapi_url(api, kwargs),
                    "layout": "BaseLayout",
                    "deepLinking": True,
                    "persistAuthorization": False,
                },
            },
        )


api = NinjaAPI(
    title=API_TITLE,
    version=API_VERSION,
    description=(
        "The API of the Safeguarding Partnership Platform, for partner agencies' own systems. "
        "Authenticate with an API token (`Authorization: Bearer sgp_...`); a token acts with the "
        "permissions of one role of one person in one agency. Every call is recorded in the access log."
    ),
    urls_namespace="api",
    auth=ApiTokenAuth(),
    docs=LocalSwaggerDocs(),
)


def record_api_call(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wrap an operation so each authenticated call is logged with its outcome, whatever the endpoint."""

    @wraps(run)
    def logged(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            response = run(request, *args, **kwargs)
        except Exception:
            try:
                _record(request, status=500)
            except Exception:
                logger.exception("Could not log a failed API call")
            raise
        _record(request, status=response.status_code)
        if isinstance(getattr(request, "auth", None), ApiCaller):
            # Answers to a token carry what its role may see; no cache may keep them.
            response["Cache-Control"] = "no-store, private"
        return response

    return logged


def _record(request: HttpRequest, *, status: int) -> None:
    caller = getattr(request, "auth", None)
    if not isinstance(caller, ApiCaller):
        return  # refused before a token was resolved, or a public endpoint: no one to log
    api_call_record(
        token=caller.token,
        actor=caller.actor,
        request=request,
        status=status,
        subject=caller.subject,
        subject_type=caller.subject_type,
        subject_label=caller.subject_label,
        details=caller.details,
    )


api.add_decorator(record_api_call, mode="view")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, {"detail": exc.message}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # The same words whether the record doesn't exist or the token may not see it.
    return api.create_response(request, {"detail": "Not found"}, status=404)


@api.get("/health", auth=None, response={200: HealthOut, 503: HealthOut}, tags=["Health"], summary="Health")
def health(request: HttpRequest) -> HealthOut | HttpResponse:
    """Public: is the platform up and can it reach its database? 503 when it can't."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return api.create_response(
            request, HealthOut(status="error", database="error").model_dump(), status=503
        )
    return HealthOut(status="ok", database="ok")


api.add_router("", foundation.router)


def mount_app_routers(target: NinjaAPI) -> list[str]:
    """Mount the `router` of each platform app's `api.py`; returns the modules mounted."""
    mounted = []
    for app_config in apps.get_app_configs():
        if not app_config.name.startswith("safeguarding.") or app_config.name == "safeguarding.api":
            continue
        module_name = f"{app_config.name}.api"
        if importlib.util.find_spec(module_name) is None:
            continue
        # Imported only when it exists, so a broken api.py fails loudly instead of being skipped.
        module = importlib.import_module(module_name)
        router = getattr(module, "router", None)
        if isinstance(router, Router):
            target.add_router(
                "", router, tags=[str(app_config.verbose_name)] if router.tags is None else None
            )
            mounted.append(module_name)
    return mounted


mount_app_routers(api)
