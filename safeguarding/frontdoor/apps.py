from django.apps import AppConfig


class FrontdoorConfig(AppConfig):
    name = "safeguarding.frontdoor"
    label = "frontdoor"

    def ready(self) -> None:
        from safeguarding.core.attention import register
        from safeguarding.frontdoor.selectors.mash import mash_attention

        # The MASH's items on the home page: contacts assigned to me, unassigned, waiting for authorisation.
        register(mash_attention)
