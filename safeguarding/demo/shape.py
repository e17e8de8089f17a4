"""The fixed shape of the demo partnership: its named organisations, their codes and teams.

Walsall's published arrangements (seed 004) name three statutory partners: Walsall Council, the integrated
care board that replaced the Black Country and West Birmingham CCG, and West Midlands Police. A jointly
funded business unit supports the partnership. The relevant agencies named here are real public bodies
(public organisations keep their real names); every person in the demo is invented.
"""

from __future__ import annotations

from dataclasses import dataclass

from safeguarding.accounts.models import Agency
from safeguarding.demo.names import PLACES

Kind = Agency.Kind

COUNCIL = "WALSALL-LA"
ICB = "BC-ICB"
POLICE = "WMP"
BUSINESS_UNIT = "WSP"
HOSPITAL_TRUST = "WHT"
MENTAL_HEALTH_TRUST = "BCHFT"
PROBATION = "PROBATION"
YOUTH_JUSTICE = "YJS"
HOUSING_GROUP = "WHG"
FIRE = "WMFS"

MASH = "Multi-Agency Safeguarding Hub (MASH)"
QUALITY_ASSURANCE = "Quality Assurance and Safeguarding Unit"
PUBLIC_PROTECTION = "Public Protection Unit"
POLICE_MASH_DESK = "MASH police desk"
NEIGHBOURHOOD_POLICING = "Neighbourhood policing: Walsall"
DESIGNATED_PROFESSIONALS = "Designated safeguarding professionals"
QUALITY_AND_NURSING = "Quality and nursing"
BUSINESS_UNIT_TEAM = "Business unit"
YOUTH_SAFEGUARDING_PARTNERS = "Youth Safeguarding Partners"
HOSPITAL_SAFEGUARDING = "Safeguarding children team"
MENTAL_HEALTH_SAFEGUARDING = "Safeguarding team"

# The council's localities at scale 1; larger scales add localities named after places.
BASE_LOCALITIES = ("North", "South", "East", "West")
LOCALITIES_PER_SCALE = 4

# The locality a demo child lives in, from the postcode district the demo gives them (WS1 to WS10): a rough
# compass reading of Walsall's districts (Bloxwich and Brownhills north, Aldridge east, Darlaston west, the
# town centre south), so the scorecard's drill-down by locality has something to show. Synthetic.
_LOCALITY_OF_DISTRICT = {
    "WS1": "South",
    "WS2": "West",
    "WS3": "North",
    "WS4": "East",
    "WS5": "South",
    "WS6": "North",
    "WS7": "North",
    "WS8": "North",
    "WS9": "East",
    "WS10": "West",
}


def locality_of(postcode: str) -> str:
    """The demo locality of a demo postcode ("" for a district the demo does not use)."""
    return _LOCALITY_OF_DISTRICT.get(postcode.split(" ")[0], "")


@dataclass(frozen=True)
class NamedAgency:
    """A real public body (or the business unit) that the demo partnership always has, once."""

    code: str
    name: str
    kind: str
    teams: tuple[str, ...] = ()


STATUTORY_PARTNERS: tuple[NamedAgency, ...] = (
    NamedAgency(COUNCIL, "Walsall Council", Kind.LOCAL_AUTHORITY, (MASH, QUALITY_ASSURANCE)),
    NamedAgency(
        ICB,
        "NHS Black Country Integrated Care Board",
        Kind.HEALTH_ICB,
        (DESIGNATED_PROFESSIONALS, QUALITY_AND_NURSING),
    ),
    NamedAgency(
        POLICE,
        "West Midlands Police",
        Kind.POLICE,
        (PUBLIC_PROTECTION, POLICE_MASH_DESK, NEIGHBOURHOOD_POLICING),
    ),
)

PARTNERSHIP_BUSINESS_UNIT = NamedAgency(
    BUSINESS_UNIT,
    "Walsall Safeguarding Partnership Business Unit",
    Kind.PARTNERSHIP_BUSINESS_UNIT,
    (BUSINESS_UNIT_TEAM, YOUTH_SAFEGUARDING_PARTNERS),
)

NAMED_RELEVANT_AGENCIES: tuple[NamedAgency, ...] = (
    NamedAgency(
        HOSPITAL_TRUST,
        "Walsall Healthcare NHS Trust",
        Kind.NHS_TRUST,
        (HOSPITAL_SAFEGUARDING, "Emergency department", "Health visiting", "School nursing", "Maternity"),
    ),
    NamedAgency(
        MENTAL_HEALTH_TRUST,
        "Black Country Healthcare NHS Foundation Trust",
        Kind.NHS_TRUST,
        (
            MENTAL_HEALTH_SAFEGUARDING,
            "Child and adolescent mental health services (CAMHS)",
            "Adult mental health",
        ),
    ),
    NamedAgency(
        PROBATION, "The Probation Service: Walsall", Kind.PROBATION, ("Walsall probation delivery unit",)
    ),
    NamedAgency(YOUTH_JUSTICE, "Walsall Youth Justice Service", Kind.YOUTH_JUSTICE),
    NamedAgency(HOUSING_GROUP, "Walsall Housing Group", Kind.HOUSING, ("Tenancy and neighbourhoods",)),
    NamedAgency(FIRE, "West Midlands Fire Service", Kind.FIRE, ("Prevention and community safety",)),
)


def localities(scale: int) -> list[str]:
    """The council's localities: North, South, East and West at scale 1, then places, then numbered."""
    wanted = LOCALITIES_PER_SCALE * scale
    names = [*BASE_LOCALITIES, *PLACES]
    names += [f"Area {n}" for n in range(len(names) + 1, wanted + 1)]
    return names[:wanted]


def social_care_team(locality: str) -> str:
    return f"Children's social care: {locality} locality"


def early_help_team(locality: str) -> str:
    return f"Early help: {locality} locality"
