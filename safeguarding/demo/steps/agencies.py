"""Steps 1 and 2: the partnership's organisations and their teams.

The shape follows Walsall's published arrangements (seed 004): three statutory partners (Walsall Council,
the integrated care board that replaced the Black Country and West Birmingham CCG, West Midlands Police),
the jointly funded business unit, and relevant agencies of the kinds in the arrangements' Appendix 1.
Public bodies keep their real names (they are public organisations); schools, practices, nurseries,
voluntary groups and the like get invented names built from Walsall place names. At scale 1 there are 30
relevant agencies; each further unit of scale adds another 24 of the locally numerous kinds, and more
locality teams in the council.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from safeguarding.accounts.models import Agency, Team
from safeguarding.demo import shape
from safeguarding.demo.generator import SeedContext, agency_domain, bulk_save
from safeguarding.demo.names import PLACE_FEATURES, PLACES, VOLUNTARY_KINDS
from safeguarding.demo.shape import NAMED_RELEVANT_AGENCIES, PARTNERSHIP_BUSINESS_UNIT, STATUTORY_PARTNERS

Kind = Agency.Kind


def _primary(ctx: SeedContext) -> str:
    return f"{ctx.rng.choice(PLACES)} {ctx.rng.choice(PLACE_FEATURES)} Primary School"


def _secondary(ctx: SeedContext) -> str:
    return f"{ctx.rng.choice(PLACES)} {ctx.rng.choice(('Academy', 'High School', 'Community School'))}"


def _special_school(ctx: SeedContext) -> str:
    return f"{ctx.rng.choice(PLACES)} {ctx.rng.choice(PLACE_FEATURES)} Special School"


def _college(ctx: SeedContext) -> str:
    return f"{ctx.rng.choice(PLACES)} Sixth Form College"


def _gp_practice(ctx: SeedContext) -> str:
    place, feature = ctx.rng.choice(PLACES), ctx.rng.choice(PLACE_FEATURES)
    return ctx.rng.choice(
        (
            f"{place} {feature} Medical Practice",
            f"{feature} Surgery, {place}",
            f"{place} Family Health Centre",
        )
    )


def _early_years(ctx: SeedContext) -> str:
    place, tree = (
        ctx.rng.choice(PLACES),
        ctx.rng.choice(("Acorn", "Rowan", "Willow", "Oak", "Apple", "Cherry")),
    )
    return ctx.rng.choice((f"{tree} Tree Day Nursery, {place}", f"{place} Little Stars Pre-school"))


def _voluntary(ctx: SeedContext) -> str:
    return f"{ctx.rng.choice(PLACES)} {ctx.rng.choice(VOLUNTARY_KINDS)}"


def _housing(ctx: SeedContext) -> str:
    kind = ctx.rng.choice(("Housing Trust", "Homes", "Housing Association"))
    return f"{ctx.rng.choice(PLACE_FEATURES)} {kind}"


def _childrens_home(ctx: SeedContext) -> str:
    return ctx.rng.choice(
        (
            f"{ctx.rng.choice(PLACE_FEATURES)} House Children's Home",
            f"{ctx.rng.choice(PLACES)} Fostering Services",
        )
    )


def _sports(ctx: SeedContext) -> str:
    sport = ctx.rng.choice(("Juniors Football Club", "Amateur Boxing Club", "Swimming Club", "Cricket Club"))
    return f"{ctx.rng.choice(PLACES)} {sport}"


@dataclass(frozen=True)
class NumerousKind:
    """A kind of relevant agency the area has many of: `per_scale` more of them for each unit of scale."""

    code_prefix: str
    kind: str
    per_scale: int
    make_name: Callable[[SeedContext], str]


# 24 per unit of scale: with the 6 named relevant agencies, 30 at scale 1 (Walsall has many more schools
# and practices than this; these are the ones active in the partnership's work).
NUMEROUS_KINDS: tuple[NumerousKind, ...] = (
    NumerousKind("PRI", Kind.SCHOOL, 7, _primary),
    NumerousKind("SEC", Kind.SCHOOL, 2, _secondary),
    NumerousKind("SPS", Kind.SCHOOL, 1, _special_school),
    NumerousKind("COL", Kind.COLLEGE, 1, _college),
    NumerousKind("GP", Kind.GP_PRACTICE, 5, _gp_practice),
    NumerousKind("EY", Kind.EARLY_YEARS, 2, _early_years),
    NumerousKind("VCS", Kind.VOLUNTARY_FAITH, 3, _voluntary),
    NumerousKind("HSG", Kind.HOUSING, 1, _housing),
    NumerousKind("CH", Kind.CHILDRENS_HOMES, 1, _childrens_home),
    NumerousKind("SPT", Kind.SPORTS, 1, _sports),
)


def agencies_create(ctx: SeedContext) -> None:
    """The statutory partners, the business unit and the relevant agencies."""
    agencies: list[Agency] = []
    taken_names: set[str] = set()

    def add(code: str, name: str, kind: str) -> None:
        agency = Agency(code=code, name=name, kind=kind)
        agency.email = f"safeguarding@{agency_domain(agency)}"
        agency.phone = ctx.landline()
        agencies.append(agency)
        taken_names.add(name.lower())

    for named in (*STATUTORY_PARTNERS, PARTNERSHIP_BUSINESS_UNIT, *NAMED_RELEVANT_AGENCIES):
        add(named.code, named.name, named.kind)
    for numerous in NUMEROUS_KINDS:
        for number in range(1, numerous.per_scale * ctx.scale + 1):
            add(
                f"{numerous.code_prefix}{number:03d}",
                _fresh_name(ctx, numerous.make_name, taken_names),
                numerous.kind,
            )

    for agency in bulk_save(Agency, agencies):
        ctx.agencies[agency.code] = agency
    ctx.counts["agencies"] += len(agencies)
    ctx.counts["relevant agencies"] += sum(
        1 for a in agencies if not a.is_statutory_partner and a.kind != Kind.PARTNERSHIP_BUSINESS_UNIT
    )


def teams_create(ctx: SeedContext) -> None:
    """Teams: the named agencies' teams, and the council's locality social work and early help teams."""
    teams: list[Team] = []
    for named in (*STATUTORY_PARTNERS, PARTNERSHIP_BUSINESS_UNIT, *NAMED_RELEVANT_AGENCIES):
        teams.extend(Team(agency=ctx.agency(named.code), name=name) for name in named.teams)
    council = ctx.agency(shape.COUNCIL)
    for locality in shape.localities(ctx.scale):
        teams.append(Team(agency=council, name=shape.social_care_team(locality)))
        teams.append(Team(agency=council, name=shape.early_help_team(locality)))
    for team in bulk_save(Team, teams):
        ctx.teams[(team.agency.code, team.name)] = team
    ctx.counts["teams"] += len(teams)


def _fresh_name(ctx: SeedContext, make_name: Callable[[SeedContext], str], taken: set[str]) -> str:
    """A name not yet used; after a few clashes, a numbered variant so large scales always finish."""
    for _ in range(20):
        name = make_name(ctx)
        if name.lower() not in taken:
            return name
    base, n = make_name(ctx), 2
    while f"{base} ({n})".lower() in taken:
        n += 1
    return f"{base} ({n})"
