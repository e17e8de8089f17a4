"""The demo step for data returns: every quarter of two years, mostly accepted, with the three open cases."""

from __future__ import annotations

import pytest

from safeguarding.accounts.models import Agency
from safeguarding.core.testing import make_agency, make_user
from safeguarding.demo.generator import SeedContext
from safeguarding.demo.steps.returns import returns_create
from safeguarding.indicators.compute import indicators_sync
from safeguarding.indicators.models import AgencyReturn, IndicatorValue

pytestmark = pytest.mark.django_db


def test_the_demo_step_makes_eight_quarters_of_returns_with_one_late_one_waiting_one_returned() -> None:
    indicators_sync()
    ctx = SeedContext.start(scale=1, seed=7)
    for code, kind in (
        ("WMP", Agency.Kind.POLICE),
        ("BC-ICB", Agency.Kind.HEALTH_ICB),
        ("WHT", Agency.Kind.NHS_TRUST),
        ("WALSALL-LA", Agency.Kind.LOCAL_AUTHORITY),
    ):
        ctx.agencies[code] = make_agency(name=f"Demo {code}", code=code, kind=kind)
        make_user("agency_safeguarding_lead", ctx.agencies[code])
    make_user("business_unit_officer", make_agency(kind=Agency.Kind.PARTNERSHIP_BUSINESS_UNIT))

    returns_create(ctx)

    assert AgencyReturn.objects.count() == 4 * 8
    latest = {r.agency.code: r.status for r in AgencyReturn.objects.filter(period_key="2022-23-q4")}
    assert latest == {"WMP": "draft", "BC-ICB": "submitted", "WALSALL-LA": "returned", "WHT": "accepted"}
    assert AgencyReturn.objects.filter(status="accepted").count() == 4 * 8 - 3
    # Police own their two indicators alone: 2021-22's year is a total with no agency breakdown.
    year = IndicatorValue.objects.get(
        version__indicator__code="police_da_notifications", period_key="2021-22"
    )
    quarters = IndicatorValue.objects.filter(
        version__indicator__code="police_da_notifications",
        period_kind="quarter",
        period_key__startswith="2021-22",
    )
    assert year.breakdown == {} and year.value == sum(q.value or 0 for q in quarters)
    assert 650 * 4 <= (year.value or 0) <= 900 * 4
