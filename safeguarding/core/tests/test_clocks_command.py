"""`safeguarding clock`: the list, one due date per line in ISO form, exit code 2 for a wrong name or date."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from safeguarding.core import calendar
from safeguarding.core.clocks import CLOCKS
from safeguarding.core.services import closure_day_add
from safeguarding.core.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_closure_cache() -> Iterator[None]:
    calendar.local_closure_days_forget()
    yield
    calendar.local_closure_days_forget()


def _run(*args: str) -> str:
    out = StringIO()
    call_command("clock", *args, stdout=out)
    return out.getvalue()


def test_list_prints_every_clock_with_its_length_rule_and_source() -> None:
    output = _run("--list")
    for clock in CLOCKS.values():
        block = output.split(f"{clock.name} ", 1)[1].split("\n\n", 1)[0]
        assert clock.duration in block
        assert f"rule:   {clock.rule_summary}" in block
        assert f"source: {clock.source}" in block
    assert "45 working days from the date of the referral" in output
    assert "72 hours from the time the child returned" in output


@pytest.mark.parametrize(
    ("name", "start", "printed"),
    [
        ("icpc", "2023-04-25", "2023-05-18"),
        ("assessment", "2023-04-03", "2023-06-12"),
        ("referral-decision", "2022-12-23T17:30", "2022-12-28"),
        ("referral-decision", "2022-09-16", "2022-09-20"),
        ("rapid-review", "2022-12-19", "2023-01-12"),
        ("cp-review", "2022-08-31", "2023-02-28"),
        ("return-home-conversation", "2023-03-25T10:00", "2023-03-28T11:00:00+01:00"),
        ("return-home-conversation", "2023-03-25T10:00:00Z", "2023-03-28T11:00:00+01:00"),
        ("return-home-conversation", "2023-05-06", "2023-05-09T00:00:00+01:00"),
    ],
)
def test_prints_the_due_date_or_time_in_iso_form_on_one_line(name: str, start: str, printed: str) -> None:
    assert _run(name, start) == printed + "\n"


def test_local_closure_days_in_the_database_count() -> None:
    closure_day_add(actor=make_user("business_unit_officer"), day=date(2023, 5, 10), reason="Office move")
    assert _run("icpc", "2023-04-25") == "2023-05-19\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("icpc-typo", "2023-04-25"), "No clock is called 'icpc-typo'"),
        (("icpc", "25/04/2023"), "'25/04/2023' is not an ISO date"),
        (("icpc", "2023-02-30"), "'2023-02-30' is not an ISO date"),
        (("icpc",), "Give a clock name and a start"),
        ((), "Give a clock name and a start"),
        (("--list", "icpc"), "Give either --list or a clock name and a start, not both"),
    ],
)
def test_wrong_input_is_a_clear_error_with_exit_code_2(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError) as raised:
        _run(*args)
    assert raised.value.returncode == 2
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("assessment", "9999-12-01"), "counting working days runs past 31 December 9999"),
        (("referral-decision", "9999-12-31"), "counting working days runs past 31 December 9999"),
        (("cp-first-review", "9999-12-01"), "3 months after 9999-12-01 is after 31 December 9999"),
        (("cp-review", "9999-12-01"), "6 months after 9999-12-01 is after 31 December 9999"),
        (("lcspr-publication", "9999-12-31"), "6 months after 9999-12-31 is after 31 December 9999"),
        (("return-home-conversation", "9999-12-31T23:00"), "fall outside the years 1 to 9999"),
        # In London time these starts are in the years 10000 and 0.
        (("icpc", "9999-12-31T23:00-05:00"), "fall outside the years 1 to 9999"),
        (("icpc", "0001-01-01T00:00+14:00"), "fall outside the years 1 to 9999"),
    ],
)
def test_a_start_whose_due_date_cannot_be_worked_out_exits_2_with_the_reason(
    args: tuple[str, ...], reason: str
) -> None:
    name, start = args
    with pytest.raises(CommandError) as raised:
        _run(*args)
    assert raised.value.returncode == 2
    message = str(raised.value)
    # The start is repeated in full ISO form (seconds included for a time).
    printed_start = start if len(start) == 10 else datetime.fromisoformat(start).isoformat()
    assert message.startswith(f"Cannot work out when the {name} clock started at {printed_start} is due: ")
    assert reason in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("name", "start", "printed"),
    [
        ("referral-decision", "9999-12-30", "9999-12-31"),
        ("cp-first-review", "9999-09-30", "9999-12-30"),
        ("return-home-conversation", "9999-12-28T23:00", "9999-12-31T23:00:00+00:00"),
    ],
)
def test_due_dates_up_to_the_last_date_there_is_are_printed(name: str, start: str, printed: str) -> None:
    assert _run(name, start) == printed + "\n"


# --- The real console script, as a person would run it -------------------------------------------------


@pytest.fixture(scope="module")
def script_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for the `safeguarding` script: its own throwaway SQLite database, migrated."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["SAFEGUARDING_VAR_DIR"] = str(tmp_path_factory.mktemp("clock-cli-var"))
    env["SAFEGUARDING_MODE"] = "development"
    migrated = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [str(_script()), "migrate", "--verbosity", "0"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert migrated.returncode == 0, migrated.stderr
    return env


def _script() -> Path:
    return Path(sys.executable).with_name("safeguarding")


def _console(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [str(_script()), "clock", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_console_script_prints_the_icpc_due_date(script_env: dict[str, str]) -> None:
    result = _console(script_env, "icpc", "2023-04-25")
    assert (result.returncode, result.stdout, result.stderr) == (0, "2023-05-18\n", "")


def test_console_script_lists_the_clocks(script_env: dict[str, str]) -> None:
    result = _console(script_env, "--list")
    assert result.returncode == 0
    assert all(name in result.stdout for name in CLOCKS)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("nonsense", "2023-04-25"), "No clock is called 'nonsense'"),
        (("icpc", "not-a-date"), "'not-a-date' is not an ISO date"),
        (("assessment", "9999-12-01"), "Cannot work out when the assessment clock started at 9999-12-01"),
    ],
)
def test_console_script_wrong_input_exits_2_with_one_line_on_stderr(
    script_env: dict[str, str], args: tuple[str, ...], expected: str
) -> None:
    result = _console(script_env, *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert expected in result.stderr
