from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "safeguarding.indicators"
    verbose_name = "Indicators and the multi-agency scorecard"
