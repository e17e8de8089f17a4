"""The front door's pages, mounted at /front-door/: the eMARF, the MASH, and the front door measures."""

from safeguarding.frontdoor.urls_emarf import urlpatterns as emarf_urls
from safeguarding.frontdoor.urls_mash import urlpatterns as mash_urls
from safeguarding.frontdoor.urls_measures import urlpatterns as measures_urls

app_name = "frontdoor"

urlpatterns = [*emarf_urls, *mash_urls, *measures_urls]
