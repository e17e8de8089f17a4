from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "safeguarding.api"
    label = "api"
