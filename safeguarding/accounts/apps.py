from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "safeguarding.accounts"
    label = "accounts"

    def ready(self) -> None:
        from safeguarding.accounts import attention  # noqa: F401  (registers the home-page provider)
