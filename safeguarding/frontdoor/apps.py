from django.apps import AppConfig


class FrontdoorConfig(AppConfig):
    name = "safeguarding.frontdoor"
    label = "frontdoor"
