from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The synthetic demo partnership: the generator (`safeguarding seed`), `safeguarding demo` and
    `safeguarding demo-otp`. It has no models of its own."""

    name = "safeguarding.demo"
    label = "demo"
    verbose_name = "Demo partnership"
