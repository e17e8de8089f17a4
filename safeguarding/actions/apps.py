from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "safeguarding.actions"
    verbose_name = "Actions: the partnership's shared action tracker"

    def ready(self) -> None:
        from safeguarding.actions.selectors import actions_attention
        from safeguarding.core.attention import register

        # Home-page items: completed actions for the business unit to review; overdue ones for their agency.
        register(actions_attention)
