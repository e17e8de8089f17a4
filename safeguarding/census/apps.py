from django.apps import AppConfig


class CensusConfig(AppConfig):
    name = "safeguarding.census"
    verbose_name = "CIN census and Annex A"
