"""Walk every URL pattern as a signed-out visitor: only the public ones may answer with anything but a
redirect to sign-in. A new page that forgets to require sign-in fails here."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

# Pages anyone may open: signing in, resetting a password, and the statements every service publishes.
PUBLIC_NAMES = {
    "accounts:sign-in",
    "accounts:two-factor",
    "accounts:signed-out",
    "accounts:password-reset",
    "accounts:password-reset-sent",
    "accounts:password-reset-confirm",
    "accounts:password-reset-done",
    "core:accessibility",
    "core:privacy",
    "core:cookies",
}
# The API authenticates each call by token, not by session: signed out it answers 401, never a redirect.
API_PREFIX = "/api/v1/"
API_PUBLIC_PATHS = {"/api/v1/health", "/api/v1/openapi.json", "/api/v1/docs"}

_SAMPLE = {
    "int": "1",
    "slug": "sample",
    "str": "sample",
    "uuid": "00000000-0000-0000-0000-000000000001",
    "path": "x",
}


def _concrete(route: str) -> str:
    """Fill a route's converters with sample values: <int:pk> -> 1."""

    def fill(match: re.Match[str]) -> str:
        converter = match.group(1) or "str"
        return _SAMPLE.get(converter, "1")

    route = re.sub(r"<(?:(\w+):)?\w+>", fill, route)
    # Regex routes (ninja uses them): strip anchors and fill groups.
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    return route.replace("^", "").replace("$", "").replace("\\", "")


def walk(
    resolver: URLResolver | None = None, prefix: str = "/", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(entry, prefix + _concrete(route), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            yield prefix + _concrete(route), name


def all_urls() -> list[tuple[str, str]]:
    return sorted(set(walk()))


def test_the_walk_finds_the_sites_pages() -> None:
    paths = {path for path, _ in all_urls()}
    assert "/" in paths
    assert "/account/sign-in/" in paths
    assert len(paths) > 20


@pytest.mark.parametrize(("path", "name"), all_urls())
def test_signed_out_visitor_is_sent_to_sign_in(path: str, name: str) -> None:
    response = Client().get(path)
    if path.startswith(API_PREFIX):
        if path.rstrip("/") in API_PUBLIC_PATHS or path in API_PUBLIC_PATHS:
            assert response.status_code < 500
        else:
            assert response.status_code in {401, 404, 405}, (
                f"{path} answered {response.status_code} signed out"
            )
        return
    if name in PUBLIC_NAMES:
        assert response.status_code < 500, f"public page {path} answered {response.status_code}"
        return
    assert response.status_code == 302, (
        f"{path} ({name}) answered {response.status_code} to a signed-out visitor"
    )
    assert response["Location"].startswith(reverse("accounts:sign-in")), f"{path} redirected elsewhere"
