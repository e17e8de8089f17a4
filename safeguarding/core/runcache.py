"""Reads shared within one computation run.

`indicators compute` asks many functions about the same records: the journey counts and each of their four
or five drill-down breakdowns, the repeat-contact measure for a year and each of its quarters. Inside
`one_run()` a read is made once under its key and handed to every later caller; outside it (a page asking
for one live figure, a test changing data between two calls) nothing is kept and every call reads afresh.
A run is one transaction, so what was read stays what the database holds for the run's duration.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")
A = TypeVar("A", bound=Hashable)

_kept: ContextVar[dict[Hashable, Any] | None] = ContextVar("runcache_kept", default=None)


@contextmanager
def one_run() -> Iterator[None]:
    """Keep reads made under a key until the block ends."""
    token = _kept.set({})
    try:
        yield
    finally:
        _kept.reset(token)


def in_run() -> bool:
    return _kept.get() is not None


def kept(key: Hashable, read: Callable[[], T]) -> T:
    """`read()`, made once per run for `key` (every call reads outside a run)."""
    found = _kept.get()
    if found is None:
        return read()
    if key not in found:
        found[key] = read()
    value: T = found[key]
    return value


def kept_per_argument(function: Callable[[A], T]) -> Callable[[A], T]:
    """`function(argument)` made once per run for each argument (a period): a count that a rate, a share or
    another indicator also needs is counted once. Outside a run the function simply runs."""

    @functools.wraps(function)
    def once_per_run(argument: A) -> T:
        return kept((function.__module__, function.__qualname__, argument), lambda: function(argument))

    return once_per_run
