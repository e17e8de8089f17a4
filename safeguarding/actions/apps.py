from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "safeguarding.actions"
    verbose_name = "Actions: the partnership's shared action tracker"
