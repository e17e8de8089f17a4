"""Append-only: the model, its queryset and the database triggers all refuse changes and deletions."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from safeguarding.accesslog import triggers
from safeguarding.accesslog.models import AccessEvent, AppendOnlyError
from safeguarding.accesslog.services import access_event_record
from safeguarding.core.testing import make_user


def _event(purpose: str = "checking") -> AccessEvent:
    return access_event_record(
        actor=make_user("business_unit_manager"), action=AccessEvent.Action.VIEW, purpose=purpose
    )


def _purpose_of(event_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT purpose FROM accesslog_accessevent WHERE id = %s", [event_id])
        return str(cursor.fetchone()[0])


@pytest.mark.django_db
def test_triggers_are_in_place_after_every_migration() -> None:
    # A later migration that rebuilds the table on SQLite would drop them; this test then fails.
    assert triggers.installed(connection) == triggers.expected(connection.vendor)
    assert triggers.expected(connection.vendor)


@pytest.mark.django_db
def test_raw_update_is_refused_by_the_database() -> None:
    event = _event()
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE accesslog_accessevent SET purpose = %s WHERE id = %s", ["rewritten", event.pk])
    assert _purpose_of(event.pk) == "checking"


@pytest.mark.django_db
def test_raw_delete_is_refused_by_the_database() -> None:
    event = _event()
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM accesslog_accessevent WHERE id = %s", [event.pk])
    assert AccessEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_emptying_the_whole_table_is_refused_by_the_database() -> None:
    _event()
    # PostgreSQL's TRUNCATE skips row triggers, so it has a trigger of its own; SQLite has no TRUNCATE,
    # and its whole-table DELETE (which it would otherwise run as a quick truncate) fires the row trigger.
    statement = {
        "postgresql": "TRUNCATE accesslog_accessevent",
        "sqlite": "DELETE FROM accesslog_accessevent",
    }[connection.vendor]
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AccessEvent.objects.count() == 1


@pytest.mark.django_db
def test_the_model_refuses_to_save_an_existing_event_or_delete_one() -> None:
    event = _event()
    event.purpose = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert _purpose_of(event.pk) == "checking"


@pytest.mark.django_db
def test_the_queryset_refuses_bulk_update_and_delete() -> None:
    event = _event()
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.filter(pk=event.pk).update(purpose="rewritten")
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.all().delete()
    event.purpose = "rewritten"
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.bulk_update([event], ["purpose"])
    assert _purpose_of(event.pk) == "checking"


@pytest.mark.django_db
def test_deleting_a_person_keeps_their_events() -> None:
    event = _event()
    assert event.actor is not None
    event.actor.memberships.all().delete()
    event.actor.delete()
    stored = AccessEvent.objects.get(pk=event.pk)
    assert stored.actor_email == event.actor_email


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_log_and_puts_the_triggers_back() -> None:
    # Tests that commit are cleaned up with `flush`, which must get past the triggers (see commands/flush.py).
    _event()
    call_command("flush", interactive=False, verbosity=0)
    assert AccessEvent.objects.count() == 0
    assert triggers.installed(connection) == triggers.expected(connection.vendor)
    _event()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accesslog_accessevent")


@pytest.mark.django_db(transaction=True)
def test_a_committed_event_does_not_stop_the_test_suite_cleaning_up() -> None:
    # pytest-django flushes after this test; with the plain flush command the trigger would refuse it.
    _event()
    assert AccessEvent.objects.count() == 1


def test_flush_is_refused_in_production(settings: pytest.FixtureRequest) -> None:
    from django.core.management.base import CommandError

    settings.PRODUCTION = True  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="refused in production"):
        call_command("flush", interactive=False, verbosity=0)


def _triggers_command(*args: str) -> tuple[int, str]:
    import io

    out = io.StringIO()
    try:
        call_command("accesslog", "triggers", *args, stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


@pytest.mark.django_db
def test_the_triggers_command_reports_a_missing_trigger_and_puts_it_back() -> None:
    from safeguarding.accesslog.tests.helpers import drop_triggers_behind_the_applications_back

    code, out = _triggers_command()
    assert code == 0
    assert out.count("present ") == len(triggers.expected(connection.vendor))
    drop_triggers_behind_the_applications_back()
    code, out = _triggers_command()
    assert code == 1
    assert "MISSING " in out
    code, out = _triggers_command("--install")
    assert code == 0
    assert "MISSING" not in out
    event = _event()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accesslog_accessevent WHERE id = %s", [event.pk])


@pytest.mark.django_db
def test_the_queryset_refuses_bulk_create_which_would_skip_the_chain() -> None:
    first = _event()
    unlinked = AccessEvent(action=AccessEvent.Action.VIEW, prev_hash=first.hash, hash="f" * 64)
    with pytest.raises(AppendOnlyError, match="access_event_record"):
        AccessEvent.objects.bulk_create([unlinked])
    with pytest.raises(AppendOnlyError):
        AccessEvent.objects.all().bulk_create([unlinked])
    assert AccessEvent.objects.count() == 1


@pytest.mark.django_db
def test_a_fork_of_the_chain_is_refused_by_the_database() -> None:
    """Two events claiming the same predecessor (writers that did not take turns) cannot both be kept."""
    first = _event()
    second = _event()
    assert second.prev_hash == first.hash
    fork = AccessEvent(action=AccessEvent.Action.VIEW, prev_hash=first.hash, hash="e" * 64)
    with pytest.raises(IntegrityError, match="prev_hash"), transaction.atomic():
        fork.save(force_insert=True)
    assert list(AccessEvent.objects.order_by("id").values_list("pk", flat=True)) == [first.pk, second.pk]


@pytest.mark.django_db
def test_only_the_first_event_starts_the_chain() -> None:
    from safeguarding.accesslog.services import GENESIS_HASH

    first, second = _event(), _event()
    assert [first.prev_hash, second.prev_hash] == [GENESIS_HASH, first.hash]
    second_start = AccessEvent(action=AccessEvent.Action.VIEW, prev_hash=GENESIS_HASH, hash="d" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        second_start.save(force_insert=True)
