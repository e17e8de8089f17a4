from django.apps import AppConfig


class AccesslogConfig(AppConfig):
    name = "safeguarding.accesslog"
    label = "accesslog"
    verbose_name = "Access log"

    def ready(self) -> None:
        # Sign-ins, failed sign-ins and sign-outs are logged from Django's authentication signals.
        from safeguarding.accesslog import signals

        signals.connect()
