"""'What needs my attention': each module registers a provider; the home page shows what they return.

A provider takes the signed-in user and returns the items that person should act on, already filtered to
what they may see. Modules register their providers in their AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AttentionItem:
    title: str
    count: int
    href: str
    detail: str = ""
    overdue: bool = False


Provider = Callable[[Any], list[AttentionItem]]
_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def items_for(user: Any) -> list[AttentionItem]:
    items: list[AttentionItem] = []
    for provider in _PROVIDERS:
        items.extend(item for item in provider(user) if item.count > 0)
    return sorted(items, key=lambda item: (not item.overdue, item.title))
