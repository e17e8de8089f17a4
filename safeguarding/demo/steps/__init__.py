"""The steps of the synthetic-partnership generator, run in this order by `demo_partnership_seed`.

To extend the demo partnership (children, contacts, audits, reviews...), write a step function taking the
SeedContext in a module of this package and append it to STEPS: earlier steps' output is in the context
(agencies by code, teams, people by email), and later steps must draw every random choice from ctx.rng.
"""

from __future__ import annotations

from safeguarding.demo.generator import SeedStep
from safeguarding.demo.steps.agencies import agencies_create, teams_create
from safeguarding.demo.steps.audits import audits_create
from safeguarding.demo.steps.demo_accounts import demo_accounts_create
from safeguarding.demo.steps.frontdoor import frontdoor_create
from safeguarding.demo.steps.indicators import indicators_create
from safeguarding.demo.steps.journeys import journeys_create
from safeguarding.demo.steps.people import people_create
from safeguarding.demo.steps.reviews import reviews_create

STEPS: list[SeedStep] = [
    agencies_create,
    teams_create,
    people_create,
    demo_accounts_create,
    frontdoor_create,
    journeys_create,
    indicators_create,
    reviews_create,
    audits_create,
]
