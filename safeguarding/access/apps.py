from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "safeguarding.access"
    label = "access"

    def ready(self) -> None:
        from safeguarding.access import attention  # noqa: F401  (registers the home-page provider)
