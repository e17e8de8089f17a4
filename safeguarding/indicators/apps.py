from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IndicatorsConfig(AppConfig):
    name = "safeguarding.indicators"
    verbose_name = "Indicators and the multi-agency scorecard"

    def ready(self) -> None:
        from safeguarding.core.attention import register
        from safeguarding.indicators.returns import returns_attention

        # The registry is code: a deployment runs `migrate` with new code, so that is when changed
        # definitions become new stored versions (pages only read them).
        post_migrate.connect(_registry_sync, sender=self)
        # Home-page items: data returns an agency lead must submit, and those the business unit must review.
        register(returns_attention)


def _registry_sync(**kwargs: Any) -> None:
    from safeguarding.indicators.compute import indicators_sync

    indicators_sync()
