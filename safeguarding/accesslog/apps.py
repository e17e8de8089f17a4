from django.apps import AppConfig


class AccesslogConfig(AppConfig):
    name = "safeguarding.accesslog"
    label = "accesslog"
