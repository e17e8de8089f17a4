from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "safeguarding.audits"
    label = "audits"
    verbose_name = "Multi-agency case file audits"

    def ready(self) -> None:
        from safeguarding.audits.selectors.auditing import auditing_attention
        from safeguarding.core.attention import register

        # Auditors: their sections still to complete; the business unit: rounds ready for moderation.
        register(auditing_attention)
