"""The hash chain and `safeguarding accesslog verify`, with rows altered behind the application's back."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.selectors import Anchor, access_log_verify
from safeguarding.accesslog.services import GENESIS_HASH, access_event_record, canonical_ip, event_hash
from safeguarding.accesslog.tests.helpers import raw_delete, raw_update
from safeguarding.core.testing import make_user

pytestmark = pytest.mark.django_db


def _record_events(count: int) -> list[AccessEvent]:
    viewer = make_user("business_unit_manager", full_name="Val Viewer")
    subject = make_user("referrer", full_name="Sid Subject")
    return [
        access_event_record(
            actor=viewer, action=AccessEvent.Action.VIEW, subject=subject, purpose=f"check {n}"
        )
        for n in range(count)
    ]


def _verify(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("accesslog", "verify", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_events_link_each_to_the_one_before() -> None:
    first, second, third = _record_events(3)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    stored = AccessEvent.objects.get(pk=second.pk)
    assert event_hash(stored) == stored.hash
    assert stored.actor_name == "Val Viewer"
    assert stored.actor_roles == "Business unit manager"
    assert stored.subject_type == "accounts.user"
    assert stored.subject_label.startswith("Sid Subject")


def test_verify_prints_ok_and_the_count_on_an_intact_chain() -> None:
    _record_events(5)
    code, out, err = _verify()
    assert (code, out, err) == (0, "ok 5 events\n", "")


def test_verify_of_an_empty_log_is_ok() -> None:
    assert _verify() == (0, "ok 0 events\n", "")


def test_verify_reads_in_batches_across_chunk_boundaries() -> None:
    events = _record_events(7)
    code, out, _ = _verify("--chunk-size", "2")
    assert (code, out) == (0, "ok 7 events\n")
    raw_update(events[5].pk, purpose="changed")
    result = access_log_verify(chunk_size=2)
    assert result.broken is not None and result.broken.event_id == events[5].pk
    assert result.checked == 5


def test_verify_catches_a_row_altered_behind_the_applications_back() -> None:
    events = _record_events(4)
    target = events[1]
    raw_update(target.pk, purpose="nothing to see here")
    code, out, err = _verify()
    assert code == 1
    assert out == ""
    assert f"event #{target.pk} (" in err
    assert target.occurred_at.astimezone().date().isoformat() in err
    assert "its content does not match its hash: the row was altered" in err
    assert "1 events before it are intact" in err


def test_verify_catches_a_changed_actor_email() -> None:
    events = _record_events(2)
    raw_update(events[0].pk, actor_email="someone.else@example.org")
    code, _, err = _verify()
    assert code == 1
    assert f"event #{events[0].pk} (" in err


def test_verify_catches_a_removed_row_and_names_the_next_event() -> None:
    events = _record_events(4)
    raw_delete(events[1].pk)
    code, out, err = _verify()
    assert code == 1
    assert out == ""
    assert f"event #{events[2].pk} (" in err
    assert f"does not match the hash of event #{events[0].pk}" in err
    assert f"event #{events[1].pk} is missing: removed from the log" in err


def test_verify_catches_the_first_row_removed() -> None:
    events = _record_events(3)
    raw_delete(events[0].pk)
    code, _, err = _verify()
    assert code == 1
    assert f"event #{events[1].pk} (" in err
    assert "the chain's start" in err


def test_verify_catches_several_rows_removed_together() -> None:
    events = _record_events(5)
    raw_delete(events[1].pk, events[2].pk)
    code, _, err = _verify()
    assert code == 1
    assert f"events #{events[1].pk} to #{events[2].pk} are missing" in err


def test_verify_catches_an_altered_row_whose_hash_was_recomputed() -> None:
    events = _record_events(3)
    forged = AccessEvent.objects.get(pk=events[1].pk)
    forged.purpose = "forged"
    raw_update(forged.pk, purpose="forged", hash=event_hash(forged))
    code, _, err = _verify()
    assert code == 1
    # The forged row is self-consistent; the break shows at the next row, which still holds the old hash.
    assert f"event #{events[2].pk} (" in err
    assert f"does not match the hash of event #{events[1].pk}" in err


def test_removed_newest_events_are_caught_against_a_recorded_anchor() -> None:
    events = _record_events(3)
    code, out, _ = _verify("--show-head")
    assert code == 0
    head = out.splitlines()[1]
    assert head == f"head {events[2].pk}:{events[2].hash}"
    raw_delete(events[2].pk)
    # The shorter chain is whole in itself...
    assert _verify()[0] == 0
    # ...but the recorded head is gone.
    code, _, err = _verify("--anchor", head.removeprefix("head "))
    assert code == 1
    assert f"event #{events[2].pk}, recorded as the anchor, is missing" in err


def test_anchor_with_a_different_hash_is_a_rewritten_chain() -> None:
    events = _record_events(2)
    result = access_log_verify(anchor=Anchor(events[1].pk, "f" * 64))
    assert result.broken is not None
    assert result.broken.event_id == events[1].pk
    assert "recorded as the anchor" in result.broken.problem


def test_a_malformed_anchor_is_refused() -> None:
    with pytest.raises(ValueError, match="ID:HASH"):
        Anchor.parse("12:short")


def test_ip_addresses_hash_the_same_however_they_are_spelled() -> None:
    assert canonical_ip("2001:DB8::1") == canonical_ip("2001:db8:0:0:0:0:0:1")
    assert canonical_ip("2001:db8::1") == "2001:0db8:0000:0000:0000:0000:0000:0001"
    assert canonical_ip("192.0.2.10") == "192.0.2.10"
    assert canonical_ip(None) is None


def test_an_ipv6_visitor_leaves_a_verifiable_event(rf: pytest.FixtureRequest) -> None:
    request = rf.get("/", REMOTE_ADDR="2001:DB8:0:0::1")  # type: ignore[attr-defined]
    access_event_record(
        actor=None, action=AccessEvent.Action.SIGN_IN_FAILED, actor_email="x@example.org", request=request
    )
    assert _verify() == (0, "ok 1 events\n", "")


def test_a_malformed_client_address_is_recorded_as_none(rf: pytest.FixtureRequest) -> None:
    request = rf.get("/", REMOTE_ADDR="unix:/run/gunicorn.sock")  # type: ignore[attr-defined]
    event = access_event_record(actor=None, action=AccessEvent.Action.SIGN_IN_FAILED, request=request)
    assert event.ip_address is None
    zoned = rf.get("/", REMOTE_ADDR="fe80::1%eth0")  # type: ignore[attr-defined]
    event = access_event_record(actor=None, action=AccessEvent.Action.SIGN_IN_FAILED, request=zoned)
    assert event.ip_address == "fe80::1"
    assert _verify()[0] == 0


def test_verify_via_the_safeguarding_console_script() -> None:
    from safeguarding.core.cli import main

    _record_events(2)
    out = io.StringIO()
    import contextlib

    with contextlib.redirect_stdout(out):
        main(["accesslog", "verify"])
    assert out.getvalue() == "ok 2 events\n"


# --- The key ------------------------------------------------------------------------------------------------


def test_the_hash_depends_on_the_access_log_key(settings: pytest.FixtureRequest) -> None:
    (event,) = _record_events(1)
    assert event_hash(event) == event.hash
    settings.ACCESSLOG_KEY = "another-key-of-at-least-thirty-two-characters"  # type: ignore[attr-defined]
    assert event_hash(event) != event.hash
    settings.ACCESSLOG_KEY = "another-key-of-at-least-thirty-two-characters!"  # type: ignore[attr-defined]
    assert event_hash(event) != event.hash


def test_a_chain_rewritten_without_the_key_is_caught(settings: pytest.FixtureRequest) -> None:
    """Someone with database access drops the triggers, alters a row and re-computes every hash, but
    without the key (here, with a key of their own): under the real key the chain fails from its start."""
    events = _record_events(3)
    real_key = settings.ACCESSLOG_KEY  # type: ignore[attr-defined]
    settings.ACCESSLOG_KEY = "the-attackers-guess-at-the-key-0123456789"  # type: ignore[attr-defined]
    previous_hash = GENESIS_HASH
    for index, event in enumerate(events):
        forged = AccessEvent.objects.get(pk=event.pk)
        forged.prev_hash = previous_hash
        if index == 1:
            forged.purpose = "nothing to see here"
        forged.hash = event_hash(forged)
        raw_update(forged.pk, purpose=forged.purpose, prev_hash=forged.prev_hash, hash=forged.hash)
        previous_hash = forged.hash
    # Under the attacker's key the rewritten chain is whole...
    assert _verify()[0] == 0
    # ...but not under the real one.
    settings.ACCESSLOG_KEY = real_key  # type: ignore[attr-defined]
    code, _, err = _verify()
    assert code == 1
    assert f"event #{events[0].pk} (" in err
    assert "its content does not match its hash: the row was altered" in err


def test_a_different_key_fails_verify_from_the_first_event_and_says_so(
    settings: pytest.FixtureRequest,
) -> None:
    events = _record_events(2)
    settings.ACCESSLOG_KEY = "a-new-key-that-was-never-used-for-this-log"  # type: ignore[attr-defined]
    code, _, err = _verify()
    assert code == 1
    assert f"event #{events[0].pk} (" in err
    assert "SAFEGUARDING_ACCESSLOG_KEY is not the key the log was written with" in err
