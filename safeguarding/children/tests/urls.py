"""The site's URLs with the children pages mounted at /children/, for tests written before config/urls.py
includes them (and unchanged once it does)."""

from django.urls import URLPattern, URLResolver, include, path

from config import urls as site

urlpatterns: list[URLPattern | URLResolver] = list(site.urlpatterns)
if not any(getattr(entry, "namespace", None) == "children" for entry in urlpatterns):
    urlpatterns.append(path("children/", include("safeguarding.children.urls")))

handler403 = site.handler403
handler404 = site.handler404
handler500 = site.handler500
