"""The indicators app's URLs: each page module lists its own."""

from __future__ import annotations

from safeguarding.indicators.views import comparators, home, population, registry, returns, scorecard

app_name = "indicators"

urlpatterns = [
    *home.urlpatterns,
    *registry.urlpatterns,
    *scorecard.urlpatterns,
    *comparators.urlpatterns,
    *returns.urlpatterns,
    *population.urlpatterns,
]
