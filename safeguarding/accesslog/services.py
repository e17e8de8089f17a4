"""Writing to the access log. `access_event_record` is the one way any code adds an event."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from safeguarding.accesslog.models import AccessEvent

GENESIS_HASH = "0" * 64
# Any constant: serialises writers of the chain on PostgreSQL (SQLite's IMMEDIATE transactions already do).
_CHAIN_LOCK_KEY = 727_001


def event_hash(event: AccessEvent) -> str:
    """The hash of an event: HMAC-SHA256 over its content, in a fixed order, and the previous hash.

    Keyed with settings.ACCESSLOG_KEY, held outside the database: someone who can rewrite the table (and
    drop its triggers) cannot re-compute the hashes of the rows after the one they changed without it.
    """
    content = {
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "actor_email": event.actor_email,
        "actor_roles": event.actor_roles,
        "actor_agencies": event.actor_agencies,
        "request_id": event.request_id,
        "ip_address": canonical_ip(event.ip_address),
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "subject_label": event.subject_label,
        "purpose": event.purpose,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }
    payload = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    key = settings.ACCESSLOG_KEY.encode("utf-8")
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


def access_event_record(
    *,
    actor: Any,
    action: str,
    subject: models.Model | None = None,
    subject_type: str = "",
    subject_id: str = "",
    subject_label: str = "",
    purpose: str = "",
    details: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    actor_email: str = "",
) -> AccessEvent:
    """Append one event to the chain, in the caller's transaction when there is one.

    `subject` fills subject_type ("app_label.model"), subject_id and subject_label from a record; or pass
    them as strings. `actor` may be None (a failed sign-in: pass the email tried as actor_email).
    """
    if subject is not None:
        subject_type = subject_type or subject._meta.label_lower
        subject_id = subject_id or str(subject.pk)
        subject_label = subject_label or str(subject)[:300]
    user = actor if getattr(actor, "is_authenticated", False) else None
    roles, agencies = _frozen_roles(user)
    with transaction.atomic():
        _lock_chain()
        last = AccessEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event = AccessEvent(
            occurred_at=timezone.now(),
            actor=user,
            actor_name=user.full_name if user else "",
            actor_email=user.email if user else storable_text(actor_email)[:254],
            actor_roles=roles,
            actor_agencies=agencies,
            request_id=getattr(request, "request_id", "") if request else "",
            ip_address=client_ip(request) if request else None,
            action=action,
            subject_type=subject_type,
            subject_id=storable_text(str(subject_id))[:64],
            subject_label=storable_text(subject_label)[:300],
            purpose=storable_text(purpose),
            details=_storable_json(json.loads(json.dumps(details or {}, default=str))),
            prev_hash=last or GENESIS_HASH,
        )
        event.hash = event_hash(event)
        event.save(force_insert=True)
    return event


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as Django sees it (a trusted proxy must set REMOTE_ADDR correctly).

    Anything that is not an IP address (a server on a Unix socket may pass an empty or odd value) is
    recorded as no address rather than refused by the database.
    """
    # A link-local IPv6 address may carry a zone ("fe80::1%eth0"), which PostgreSQL's inet type refuses.
    address = (request.META.get("REMOTE_ADDR") or "").split("%", 1)[0]
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


def canonical_ip(address: str | None) -> str | None:
    """One spelling per address for hashing: databases and Python versions write IPv6 differently.

    PostgreSQL's inet type hands back its own compressed form, and Python 3.13 changed how it prints
    IPv4-mapped IPv6 addresses, so the hash covers a form spelled out here: dotted IPv4, or all eight
    IPv6 groups as four lower-case hex digits.
    """
    if not address:
        return None
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    number = int(parsed)
    return ":".join(f"{(number >> shift) & 0xFFFF:04x}" for shift in range(112, -16, -16))


def _frozen_roles(user: Any) -> tuple[str, str]:
    if user is None:
        return "", ""
    memberships = list(user.current_memberships())
    roles = "; ".join(sorted({m.role_definition.name for m in memberships}))
    agencies = "; ".join(sorted({m.agency.name for m in memberships}))
    return roles[:500], agencies[:500]


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def storable_text(value: str) -> str:
    """Text both engines can store: no NUL characters and no unpaired UTF-16 surrogates.

    Logged values often come from outside (a query string, an email tried at sign-in); PostgreSQL refuses
    NUL in text and jsonb, and unpaired surrogates in jsonb, so one bad request must not lose its log row.
    """
    return value.encode("utf-8", errors="replace").decode("utf-8").replace("\x00", "\ufffd")


def _storable_json(value: Any) -> Any:
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, dict):
        return {storable_text(str(k)): _storable_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_storable_json(v) for v in value]
    return value
