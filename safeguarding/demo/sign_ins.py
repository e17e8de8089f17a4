"""The demo sign-ins: one well-known account per role, all with the same published password.

These accounts exist so a newcomer can see the platform through each role's eyes. They are made only by
`safeguarding seed` (which refuses to run in production mode), and their password is printed by
`safeguarding demo`. Accounts whose role reaches identifiable data get an authenticator, whose current
code `safeguarding demo-otp EMAIL` prints in demo mode.
"""

from __future__ import annotations

from dataclasses import dataclass

from safeguarding.accounts.roles import ROLES, Role
from safeguarding.demo import shape

# Published on purpose: it is the demo's password, printed by `make demo` and in docs/demo.md.
DEMO_PASSWORD = "walsall-demo-2023"  # noqa: S105
DEMO_DOMAIN = "demo.example.org"


@dataclass(frozen=True)
class DemoSignIn:
    role_code: str
    email: str
    agency_code: str
    job_title: str
    team: str | None = None

    @property
    def role(self) -> Role:
        return ROLES[self.role_code]

    @property
    def needs_code(self) -> bool:
        """Two-factor sign-in is needed when the role reaches identifiable data."""
        return self.role.grants_identifiable


def _at(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


# Where each role's demo person works: the first primary school (PRI001) is the agency of the school
# referrer and its safeguarding lead, so the two see each other's referrals.
_PLACED: dict[str, DemoSignIn] = {
    s.role_code: s
    for s in (
        DemoSignIn("referrer", _at("referrer"), "PRI001", "Class teacher"),
        DemoSignIn(
            "agency_safeguarding_lead", _at("safeguarding.lead"), "PRI001", "Designated safeguarding lead"
        ),
        DemoSignIn(
            "mash_practitioner", _at("mash.practitioner"), shape.COUNCIL, "Social worker (MASH)", shape.MASH
        ),
        DemoSignIn("mash_manager", _at("mash.manager"), shape.COUNCIL, "MASH team manager", shape.MASH),
        DemoSignIn(
            "business_unit_officer",
            _at("bu.officer"),
            shape.BUSINESS_UNIT,
            "Quality assurance and performance officer",
            shape.BUSINESS_UNIT_TEAM,
        ),
        DemoSignIn(
            "business_unit_manager",
            _at("bu.manager"),
            shape.BUSINESS_UNIT,
            "Safeguarding Partnership Business Manager",
            shape.BUSINESS_UNIT_TEAM,
        ),
        DemoSignIn(
            "subgroup_chair",
            _at("subgroup.chair"),
            shape.ICB,
            "Named GP for Safeguarding Children",
            shape.DESIGNATED_PROFESSIONALS,
        ),
        DemoSignIn(
            "subgroup_member",
            _at("subgroup.member"),
            shape.HOSPITAL_TRUST,
            "Named Nurse for Safeguarding Children",
            shape.HOSPITAL_SAFEGUARDING,
        ),
        DemoSignIn(
            "independent_scrutineer",
            _at("scrutineer"),
            shape.BUSINESS_UNIT,
            "Independent Chair and Scrutineer",
        ),
        DemoSignIn(
            "executive_member",
            _at("executive"),
            shape.POLICE,
            "Chief Superintendent, Walsall Local Policing Area",
        ),
        DemoSignIn(
            "auditor",
            _at("auditor"),
            shape.POLICE,
            "Detective Sergeant, Public Protection",
            shape.PUBLIC_PROTECTION,
        ),
        DemoSignIn(
            "case_reviewer",
            _at("case.reviewer"),
            shape.ICB,
            "Designated Doctor for Safeguarding Children",
            shape.DESIGNATED_PROFESSIONALS,
        ),
        DemoSignIn(
            "young_peoples_representative",
            _at("young.person"),
            shape.BUSINESS_UNIT,
            "Youth Safeguarding Partner",
            shape.YOUTH_SAFEGUARDING_PARTNERS,
        ),
        DemoSignIn(
            "system_administrator", _at("sysadmin"), shape.BUSINESS_UNIT, "Systems and information officer"
        ),
    )
}


def demo_sign_ins() -> list[DemoSignIn]:
    """One demo sign-in per role in the catalogue, in the catalogue's order.

    A role added to the catalogue later gets a sign-in in the business unit until it is placed above.
    """
    return [
        _PLACED.get(code)
        or DemoSignIn(code, _at(code.replace("_", ".")), shape.BUSINESS_UNIT, ROLES[code].name)
        for code in ROLES
    ]
