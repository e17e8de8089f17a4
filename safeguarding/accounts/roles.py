"""The role catalogue: every role a person can hold in the partnership, as data.

A role grants permissions, each with a scope:

- own: records the person created or is named on;
- team: records of the team of the membership that grants the role;
- agency: records of the agency of that membership;
- partnership: every record in the partnership.

A permission that reaches identifiable data (children, families, contacts, journeys, a case review's
restricted identity) needs two-factor sign-in before it is used. The administrators' page
"Roles and permissions" is generated from this module, so this file is the single description.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Scope(StrEnum):
    OWN = "own"
    TEAM = "team"
    AGENCY = "agency"
    PARTNERSHIP = "partnership"

    @property
    def label(self) -> str:
        return {
            "own": "Their own records",
            "team": "Their team's records",
            "agency": "Their agency's records",
            "partnership": "The whole partnership",
        }[self.value]


@dataclass(frozen=True)
class Permission:
    code: str
    area: str
    description: str
    identifiable: bool = False


@dataclass(frozen=True)
class Grant:
    permission: str
    scope: Scope


@dataclass(frozen=True)
class Role:
    code: str
    name: str
    description: str
    grants: tuple[Grant, ...]
    # May open a record outside their scope after giving a reason (break-glass).
    can_break_glass: bool = False

    @property
    def grants_identifiable(self) -> bool:
        return any(PERMISSIONS[g.permission].identifiable for g in self.grants)

    def scope_for(self, permission: str) -> Scope | None:
        for grant in self.grants:
            if grant.permission == permission:
                return grant.scope
        return None


_PERMISSION_LIST = [
    # Foundation
    Permission("agency.view", "Administration", "See an agency's details, teams and people"),
    Permission("agency.change", "Administration", "Change an agency's details and its teams"),
    Permission("agency.create", "Administration", "Add agencies to the partnership"),
    Permission("people.manage", "Administration", "Invite people, give and end roles, deactivate accounts"),
    Permission(
        "people.grant_sensitive",
        "Administration",
        "Give roles that reach identifiable data or the access log, and change the sign-in details of people "
        "who hold them",
    ),
    Permission("roles.view", "Administration", "Read the role catalogue"),
    Permission("lockout.manage", "Administration", "Unlock accounts locked after failed sign-ins"),
    Permission("calendar.manage", "Administration", "Edit local closure days used by the working-day clocks"),
    # The log names the records people opened (a child's name among them), so it is identifiable itself.
    Permission("accesslog.view", "Administration", "Read the access log: who viewed or changed what", True),
    Permission("accesslog.export", "Administration", "Export the access log as CSV", identifiable=True),
    Permission("breakglass.review", "Administration", "Review break-glass access to records"),
    # Front door
    Permission("referral.submit", "Front door", "Refer a worry about a child (eMARF)", identifiable=True),
    Permission("referral.view", "Front door", "See referrals and their outcomes", identifiable=True),
    Permission("contact.view", "Front door", "See contacts in the MASH", identifiable=True),
    Permission(
        "contact.work", "Front door", "Triage contacts and gather agency information", identifiable=True
    ),
    Permission("contact.decide", "Front door", "Record the MASH decision on a contact", identifiable=True),
    # Children
    Permission("child.view", "Children", "See a child's record and journey", identifiable=True),
    Permission(
        "child.change", "Children", "Add and correct episodes of a child's journey", identifiable=True
    ),
    Permission(
        "census.import", "Children", "Import and validate CIN census and Annex A files", identifiable=True
    ),
    # Performance
    Permission(
        "indicator.view", "Performance", "See the scorecard and indicators (small numbers suppressed)"
    ),
    Permission("indicator.manage", "Performance", "Define indicators, load comparators and populations"),
    Permission("indicator.signoff", "Performance", "Sign off a period's figures for the PQA subgroup"),
    Permission("indicator.narrate", "Performance", "Write the commentary beside a figure on the scorecard"),
    Permission("datareturn.submit", "Performance", "Submit an agency's data return with narrative"),
    Permission("datareturn.approve", "Performance", "Approve agency data returns"),
    # Actions
    Permission("action.view", "Actions", "See actions and their progress"),
    Permission("action.update", "Actions", "Update actions and attach evidence"),
    Permission("action.manage", "Actions", "Create, assign and close actions"),
    # Case reviews
    Permission("review.view", "Case reviews", "See case reviews by their review code"),
    Permission("review.manage", "Case reviews", "Refer, run and record case reviews"),
    Permission("review.identity.view", "Case reviews", "See who a case review is about", identifiable=True),
    Permission(
        "review.material.view",
        "Case reviews",
        "Read a review's case material: rapid review findings, the Panel's response, terms of reference",
    ),
    Permission(
        "review.propose",
        "Case reviews",
        "Put a case forward to the business unit for consideration of a review",
    ),
    # Audits
    Permission("audit.view", "Audits", "See multi-agency audit findings"),
    Permission("audit.conduct", "Audits", "Complete audit tools for allocated cases", identifiable=True),
    Permission("audit.manage", "Audits", "Plan the audit programme and moderate grades"),
    # Self-assessment
    Permission("selfassessment.view", "Self-assessment", "See Section 11 / s175 / Care Act returns"),
    Permission("selfassessment.submit", "Self-assessment", "Complete an agency's self-assessment"),
    Permission("selfassessment.manage", "Self-assessment", "Run self-assessment rounds and challenge events"),
    # Learning
    Permission("learning.view", "Learning", "See training, briefings and surveys"),
    Permission("learning.manage", "Learning", "Run training, attendance and evaluation"),
    # Governance
    Permission("governance.view", "Governance", "See meetings, decisions, priorities and risks"),
    Permission(
        "governance.manage", "Governance", "Record meetings, decisions, priorities, risks and funding"
    ),
    # Voice
    Permission("voice.view", "Voice", "See what children and families have told the partnership"),
    Permission("voice.contribute", "Voice", "Record young people's inspections and feedback"),
    # Reports
    Permission("report.view", "Reports", "Read the partnership's reports"),
    Permission("report.build", "Reports", "Compile the yearly report"),
]
PERMISSIONS: dict[str, Permission] = {p.code: p for p in _PERMISSION_LIST}


def _g(scope: Scope, *codes: str) -> tuple[Grant, ...]:
    return tuple(Grant(code, scope) for code in codes)


OWN, TEAM, AGENCY, PARTNERSHIP = Scope.OWN, Scope.TEAM, Scope.AGENCY, Scope.PARTNERSHIP

_READ_PARTNERSHIP_ASSURANCE = _g(
    PARTNERSHIP,
    "indicator.view",
    "action.view",
    "review.view",
    "audit.view",
    "selfassessment.view",
    "learning.view",
    "governance.view",
    "voice.view",
    "report.view",
)

_BUSINESS_UNIT = (
    *_g(PARTNERSHIP, "agency.view", "agency.change", "agency.create", "people.manage", "roles.view"),
    *_g(PARTNERSHIP, "lockout.manage", "calendar.manage"),
    *_READ_PARTNERSHIP_ASSURANCE,
    *_g(
        PARTNERSHIP,
        "indicator.manage",
        "indicator.narrate",
        "datareturn.approve",
        "action.update",
        "action.manage",
        "review.manage",
        "review.material.view",
        "review.propose",
        "audit.manage",
        "selfassessment.manage",
        "learning.manage",
        "governance.manage",
        "voice.contribute",
        "report.build",
    ),
)

_ROLE_LIST = [
    Role(
        "referrer",
        "Referrer",
        "A practitioner in a partner agency who refers worries about children and follows their outcome.",
        (
            *_g(OWN, "referral.submit", "referral.view"),
            *_g(AGENCY, "agency.view", "action.view"),
            *_g(PARTNERSHIP, "learning.view"),
        ),
    ),
    Role(
        "agency_safeguarding_lead",
        "Agency safeguarding lead",
        "The designated safeguarding lead of a school, GP practice, trust or other agency: sees the agency's "
        "referrals, keeps its teams up to date, answers its actions and self-assessments.",
        (
            *_g(OWN, "referral.submit", "review.propose"),
            *_g(AGENCY, "referral.view", "agency.view", "agency.change", "action.view", "action.update"),
            *_g(AGENCY, "selfassessment.view", "selfassessment.submit", "datareturn.submit"),
            *_g(PARTNERSHIP, "learning.view", "indicator.view"),
        ),
        can_break_glass=True,
    ),
    Role(
        "mash_practitioner",
        "MASH practitioner",
        "Works contacts in the multi-agency safeguarding hub: triage, agency checks, recommendations.",
        (
            *_g(PARTNERSHIP, "contact.view", "contact.work", "referral.view", "child.view", "child.change"),
            *_g(AGENCY, "agency.view"),
            *_g(PARTNERSHIP, "learning.view"),
        ),
        can_break_glass=True,
    ),
    Role(
        "mash_manager",
        "MASH manager",
        "Decides on contacts within one working day, oversees the MASH queue and the council's data imports.",
        (
            *_g(PARTNERSHIP, "contact.view", "contact.work", "contact.decide", "referral.view"),
            *_g(OWN, "review.propose"),
            *_g(PARTNERSHIP, "child.view", "child.change", "census.import", "indicator.view"),
            *_g(AGENCY, "agency.view", "action.view", "action.update"),
            *_g(PARTNERSHIP, "learning.view"),
        ),
        can_break_glass=True,
    ),
    Role(
        "business_unit_officer",
        "Business unit officer",
        "Runs the partnership's machinery day to day: people, meetings, audits, reviews, training, reports.",
        _BUSINESS_UNIT,
    ),
    Role(
        "business_unit_manager",
        "Business unit manager",
        "Leads the business unit; reviews the access log and break-glass use.",
        (
            *_BUSINESS_UNIT,
            *_g(PARTNERSHIP, "accesslog.view", "accesslog.export", "breakglass.review"),
            *_g(PARTNERSHIP, "people.grant_sensitive"),
        ),
    ),
    Role(
        "subgroup_chair",
        "Subgroup chair",
        "Chairs a subgroup of the partnership: its meetings, actions, and the evidence it scrutinises.",
        (
            *_READ_PARTNERSHIP_ASSURANCE,
            *_g(PARTNERSHIP, "action.update", "action.manage", "governance.manage"),
            *_g(PARTNERSHIP, "indicator.signoff", "indicator.narrate"),
        ),
    ),
    Role(
        "subgroup_member",
        "Subgroup member",
        "Takes part in a subgroup for their agency and updates the actions their agency owns.",
        (
            *_READ_PARTNERSHIP_ASSURANCE,
            *_g(AGENCY, "agency.view", "action.update"),
            *_g(OWN, "review.propose"),
        ),
    ),
    Role(
        "independent_scrutineer",
        "Independent scrutineer",
        "Judges how well the arrangements work; reads everything the partnership holds about itself and "
        "the access log, and changes nothing.",
        (*_READ_PARTNERSHIP_ASSURANCE, *_g(PARTNERSHIP, "agency.view", "accesslog.view", "accesslog.export")),
    ),
    Role(
        "executive_member",
        "Executive member",
        "A lead or delegated safeguarding partner on the executive: sets priorities and holds partners to "
        "account.",
        (*_READ_PARTNERSHIP_ASSURANCE, *_g(PARTNERSHIP, "governance.manage", "review.material.view")),
    ),
    Role(
        "auditor",
        "Multi-agency auditor",
        "Audits case files for their agency in the multi-agency audit programme.",
        (
            # audit.view at agency scope: an auditor reads only the rounds they audit in (issue 7 section 4,
            # "auditors see only their rounds' cases"); see audits.selectors.programme.rounds_visible_to.
            *_g(AGENCY, "agency.view", "audit.conduct", "audit.view", "action.view", "action.update"),
        ),
    ),
    Role(
        "case_reviewer",
        "Case reviewer",
        "Sits on the practice review group or leads reviews; the only role that sees who a review is about.",
        (
            *_g(PARTNERSHIP, "review.view", "review.manage", "review.identity.view", "action.view"),
            *_g(PARTNERSHIP, "review.material.view", "review.propose", "action.update", "learning.view"),
        ),
    ),
    Role(
        "young_peoples_representative",
        "Young people's representative",
        "A young person who inspects services and holds the partners to account (the 4th partner).",
        (*_g(OWN, "voice.contribute", "voice.view"), *_g(PARTNERSHIP, "report.view")),
    ),
    Role(
        "system_administrator",
        "System administrator",
        "Keeps the platform running: accounts, lockouts, the calendar. Sees no case material.",
        _g(
            PARTNERSHIP,
            "agency.view",
            "agency.change",
            "agency.create",
            "people.manage",
            "roles.view",
            "lockout.manage",
            "calendar.manage",
        ),
    ),
]
ROLES: dict[str, Role] = {r.code: r for r in _ROLE_LIST}
ROLE_CHOICES: list[tuple[str, str]] = [(r.code, r.name) for r in _ROLE_LIST]


def role(code: str) -> Role:
    return ROLES[code]


def check_catalogue() -> list[str]:
    """Problems in the catalogue itself (a grant of an unknown permission); run by a system check."""
    problems = []
    for r in _ROLE_LIST:
        for g in r.grants:
            if g.permission not in PERMISSIONS:
                problems.append(f"role {r.code} grants unknown permission {g.permission}")
    return problems
