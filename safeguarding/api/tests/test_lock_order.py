"""The api services lock a token's row before the access-log chain: a call and a revocation can't deadlock.

The rule is in `safeguarding/api/services.py`. The first tests read the SQL each service sends, on any engine:
the token's row is written (or locked) before the access log is touched. The last one runs an API client
and a revocation at once on PostgreSQL, where row locks and the chain's advisory lock really interleave.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accesslog.selectors import access_log_verify
from safeguarding.accounts.models import Membership
from safeguarding.api import services
from safeguarding.api.models import ApiToken, TokenActor
from safeguarding.api.services import api_call_record, api_token_create, api_token_revoke
from safeguarding.api.tests.helpers import token_for
from safeguarding.core.testing import Personas

CALLS = 20
# Long enough for PostgreSQL to notice a deadlock (deadlock_timeout is 1s) many times over.
THREAD_TIMEOUT_SECONDS = 60


def _first(queries: list[str], matches: Callable[[str], bool]) -> int:
    return next(index for index, sql in enumerate(queries) if matches(sql))


def _writes_or_locks_the_token(sql: str) -> bool:
    upper = sql.upper()
    return '"API_APITOKEN"' in upper and (upper.startswith(("UPDATE", "INSERT")) or "FOR UPDATE" in upper)


def _takes_the_chain(sql: str) -> bool:
    # The chain lock on PostgreSQL, or the first read of the chain's last hash on SQLite (which serialises
    # whole transactions instead).
    return "pg_advisory_xact_lock" in sql or '"accesslog_accessevent"' in sql


def _assert_token_row_before_chain(context: CaptureQueriesContext) -> None:
    queries = [query["sql"] for query in context.captured_queries]
    assert _first(queries, _writes_or_locks_the_token) < _first(queries, _takes_the_chain), queries


@pytest.mark.django_db
def test_an_api_call_notes_last_used_before_it_writes_the_access_log(personas: Personas) -> None:
    token, _ = token_for(personas.a_worker)
    assert token.last_used_at is None
    request = RequestFactory().get("/api/v1/me")
    with CaptureQueriesContext(connection) as context:
        api_call_record(
            token=token, actor=TokenActor.for_membership(token.membership), request=request, status=200
        )
    _assert_token_row_before_chain(context)
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert AccessEvent.objects.filter(action=AccessEvent.Action.API_CALL).count() == 1


@pytest.mark.django_db
def test_a_revocation_locks_the_token_before_it_writes_the_access_log(personas: Personas) -> None:
    token, _ = token_for(personas.a_worker)
    with CaptureQueriesContext(connection) as context:
        assert api_token_revoke(actor=None, token=token, channel="test") is True
    _assert_token_row_before_chain(context)


@pytest.mark.django_db
def test_a_new_token_is_written_before_the_access_log(personas: Personas) -> None:
    membership = Membership.objects.current().filter(user=personas.a_worker).first()
    assert membership is not None
    with CaptureQueriesContext(connection) as context:
        api_token_create(actor=None, membership=membership, name="Test system", channel="test")
    _assert_token_row_before_chain(context)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row and advisory locks only interleave on PostgreSQL; SQLite serialises whole transactions",
)
@pytest.mark.django_db(transaction=True)
def test_api_calls_and_a_revocation_at_once_do_not_deadlock(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every call writes the token's row here, as calls a minute apart do, so each call takes both locks.
    monkeypatch.setattr(services, "LAST_USED_PRECISION", timedelta(0))
    token, secret = token_for(personas.a_worker)
    start = threading.Barrier(2, timeout=THREAD_TIMEOUT_SECONDS)
    calls_under_way = threading.Event()
    statuses: list[int] = []
    revoked: list[bool] = []
    errors: list[BaseException] = []

    def call_the_api() -> None:
        try:
            client = Client()
            start.wait()
            for number in range(CALLS):
                response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
                statuses.append(response.status_code)
                if number == 0:
                    calls_under_way.set()
        except BaseException as error:  # reported by the test, whatever it is
            errors.append(error)
        finally:
            calls_under_way.set()
            connection.close()

    def revoke_the_token() -> None:
        try:
            start.wait()
            calls_under_way.wait(THREAD_TIMEOUT_SECONDS)
            revoked.append(
                api_token_revoke(actor=None, token=ApiToken.objects.get(pk=token.pk), channel="test")
            )
        except BaseException as error:  # reported by the test, whatever it is
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=call_the_api), threading.Thread(target=revoke_the_token)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THREAD_TIMEOUT_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a thread is still waiting for a lock"

    assert errors == []
    assert revoked == [True]
    assert len(statuses) == CALLS
    # Calls before the revocation work; calls after it are refused. Nothing fails on the server.
    assert set(statuses) <= {200, 401}
    assert statuses[0] == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    # Every call that got through is logged, and the revocation once; refused calls name no token.
    api_calls = AccessEvent.objects.filter(action=AccessEvent.Action.API_CALL, details__token_id=token.pk)
    assert api_calls.count() == statuses.count(200)
    revocations = AccessEvent.objects.filter(
        action=AccessEvent.Action.CHANGE, subject_type="api.apitoken", subject_id=str(token.pk)
    )
    assert revocations.count() == 1
    assert access_log_verify().ok
