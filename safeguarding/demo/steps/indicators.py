"""The last step: the scorecard's figures. The comparators the seeds quote, the agencies' quarterly data
returns, then every computed indicator for the demo's two financial years, as `indicators compute` would.

The journeys run from October 2021 to the demo's "today" (31 March 2023), so 2022-23 is a whole year and
2021-22 has figures for its last two quarters only (its first two show as nothing recorded, which is
what the data says). Q3 2021-22 is signed off by the PQA chair, so the scorecard shows a signed-off period.
"""

from __future__ import annotations

from safeguarding.demo.generator import SeedContext
from safeguarding.demo.steps.returns import returns_create
from safeguarding.indicators.comparators import comparators_load_shipped
from safeguarding.indicators.compute import indicators_compute, period_sign_off

DEMO_YEARS = (2021, 2022)
SIGNED_OFF_QUARTER = "2021-22-q3"
SEED_ACTOR = "demo seed"


def indicators_create(ctx: SeedContext) -> None:
    imported = comparators_load_shipped()
    ctx.counts["comparators"] += imported.rows
    returns_create(ctx)
    for year in DEMO_YEARS:
        result = indicators_compute(year=year, actor_name=SEED_ACTOR)
        ctx.counts["indicator values"] += result.values
    chair = next(
        (user for user in ctx.users_by_email.values() if user.email.startswith("subgroup.chair@")), None
    )
    period_sign_off(actor=chair, period_key=SIGNED_OFF_QUARTER)
