from django.apps import AppConfig


class PopulationConfig(AppConfig):
    name = "safeguarding.population"
    label = "population"
    verbose_name = "Population"
