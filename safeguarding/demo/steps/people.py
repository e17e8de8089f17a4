"""Step 3: the people of the partnership, each with a role (or two) in their agency.

Every person is invented (names from safeguarding/demo/names.py), with a job title, a phone number from
Ofcom's drama range and an email at <agency-code>.example.org. Nobody made here can sign in: their
passwords are unusable. The demo sign-ins are made by the next step (demo_accounts.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from safeguarding.accounts.models import Agency, Membership, Team, User
from safeguarding.demo import shape
from safeguarding.demo.generator import SeedContext, agency_domain, bulk_save

Kind = Agency.Kind

# Role codes from safeguarding/accounts/roles.py.
REFERRER = "referrer"
LEAD = "agency_safeguarding_lead"
MASH_PRACTITIONER = "mash_practitioner"
MASH_MANAGER = "mash_manager"
BU_OFFICER = "business_unit_officer"
BU_MANAGER = "business_unit_manager"
CHAIR = "subgroup_chair"
MEMBER = "subgroup_member"
SCRUTINEER = "independent_scrutineer"
EXECUTIVE = "executive_member"
AUDITOR = "auditor"
CASE_REVIEWER = "case_reviewer"
YOUNG_PERSON = "young_peoples_representative"
SYSADMIN = "system_administrator"


@dataclass(frozen=True)
class Staff:
    """`count` people in one role (and team), each with one of `titles`; `also` are further roles each
    of them holds in the same agency (a safeguarding lead who also sits on a subgroup)."""

    role: str
    count: int
    titles: tuple[str, ...]
    team: str | None = None
    grows_with_scale: bool = False
    also: tuple[str, ...] = ()


def _one(role: str, title: str, team: str | None = None, also: tuple[str, ...] = ()) -> Staff:
    return Staff(role, 1, (title,), team, also=also)


# People in each agency of the kinds the area has many of (more agencies at larger scales, not more staff).
STAFF_BY_KIND: dict[str, tuple[Staff, ...]] = {
    Kind.SCHOOL: (
        Staff(
            LEAD,
            1,
            (
                "Designated safeguarding lead",
                "Deputy headteacher and designated safeguarding lead",
                "Assistant headteacher (inclusion)",
            ),
        ),
        Staff(
            REFERRER,
            2,
            (
                "Class teacher",
                "Head of year",
                "Pastoral manager",
                "Learning mentor",
                "Special educational needs coordinator",
                "Teaching assistant",
            ),
        ),
    ),
    Kind.COLLEGE: (
        Staff(LEAD, 1, ("Head of student safeguarding",)),
        Staff(REFERRER, 3, ("Student support officer", "Lecturer", "Progress coach")),
    ),
    Kind.GP_PRACTICE: (
        Staff(LEAD, 1, ("GP partner and safeguarding lead",)),
        Staff(REFERRER, 1, ("Practice nurse", "Salaried GP", "Practice manager")),
    ),
    Kind.EARLY_YEARS: (
        Staff(LEAD, 1, ("Nursery manager", "Pre-school leader")),
        Staff(REFERRER, 1, ("Early years practitioner", "Room leader")),
    ),
    Kind.VOLUNTARY_FAITH: (
        Staff(LEAD, 1, ("Safeguarding lead", "Project manager")),
        Staff(REFERRER, 1, ("Youth worker", "Family support worker", "Volunteer coordinator")),
    ),
    Kind.HOUSING: (
        Staff(LEAD, 1, ("Safeguarding and tenancy manager",)),
        Staff(REFERRER, 1, ("Housing officer", "Tenancy sustainment officer")),
    ),
    Kind.CHILDRENS_HOMES: (
        Staff(LEAD, 1, ("Registered manager",)),
        Staff(REFERRER, 1, ("Residential support worker", "Supervising social worker")),
    ),
    Kind.SPORTS: (
        Staff(LEAD, 1, ("Club welfare officer",)),
        Staff(REFERRER, 1, ("Coach", "Youth team manager")),
    ),
}

# People in the agencies the partnership always has once; statutory teams grow with scale.
STAFF_BY_AGENCY: dict[str, tuple[Staff, ...]] = {
    shape.COUNCIL: (
        Staff(MASH_MANAGER, 1, ("MASH team manager",), shape.MASH, grows_with_scale=True),
        Staff(
            MASH_PRACTITIONER,
            5,
            (
                "Social worker (MASH)",
                "Senior practitioner (MASH)",
                "Early help coordinator (MASH)",
                "Education safeguarding officer (MASH)",
            ),
            shape.MASH,
            grows_with_scale=True,
        ),
        Staff(
            AUDITOR, 2, ("Quality assurance officer", "Practice improvement lead"), shape.QUALITY_ASSURANCE
        ),
        _one(CASE_REVIEWER, "Head of quality assurance and safeguarding", shape.QUALITY_ASSURANCE),
        _one(LEAD, "Principal social worker", shape.QUALITY_ASSURANCE, also=(MEMBER,)),
        _one(CHAIR, "Head of service, safeguarding and family support", shape.QUALITY_ASSURANCE),
        _one(EXECUTIVE, "Director of Children's Services"),
        _one(EXECUTIVE, "Director of Adult Social Services"),
        _one(MEMBER, "Assistant Director, Access and Achievement"),
        _one(MEMBER, "Consultant in public health"),
    ),
    shape.ICB: (
        _one(
            LEAD, "Designated Nurse for Safeguarding Children", shape.DESIGNATED_PROFESSIONALS, also=(MEMBER,)
        ),
        _one(CASE_REVIEWER, "Designated Doctor for Safeguarding Children", shape.DESIGNATED_PROFESSIONALS),
        _one(CHAIR, "Named GP for Safeguarding Children", shape.DESIGNATED_PROFESSIONALS),
        _one(AUDITOR, "Safeguarding nurse specialist", shape.DESIGNATED_PROFESSIONALS),
        _one(MEMBER, "Designated Nurse for Looked-After Children", shape.DESIGNATED_PROFESSIONALS),
        _one(EXECUTIVE, "Chief Nursing Officer and Director of Quality", shape.QUALITY_AND_NURSING),
    ),
    shape.POLICE: (
        _one(LEAD, "Detective Inspector, Public Protection Unit", shape.PUBLIC_PROTECTION, also=(MEMBER,)),
        Staff(
            REFERRER,
            4,
            ("Detective Constable", "Police Constable", "Detective Sergeant"),
            shape.PUBLIC_PROTECTION,
            grows_with_scale=True,
        ),
        _one(CASE_REVIEWER, "Detective Chief Inspector, Public Protection", shape.PUBLIC_PROTECTION),
        _one(AUDITOR, "Detective Sergeant, Public Protection", shape.PUBLIC_PROTECTION),
        Staff(
            MASH_PRACTITIONER,
            2,
            ("Detective Constable (MASH)", "Police researcher (MASH)"),
            shape.POLICE_MASH_DESK,
            grows_with_scale=True,
        ),
        Staff(
            REFERRER,
            2,
            ("Police Constable", "Police Community Support Officer"),
            shape.NEIGHBOURHOOD_POLICING,
            grows_with_scale=True,
        ),
        _one(EXECUTIVE, "Chief Superintendent, Walsall Local Policing Area"),
        _one(CHAIR, "Superintendent, Public Protection"),
    ),
    shape.BUSINESS_UNIT: (
        _one(BU_MANAGER, "Safeguarding Partnership Business Manager", shape.BUSINESS_UNIT_TEAM),
        Staff(
            BU_OFFICER,
            3,
            (
                "Quality assurance and performance officer",
                "Learning and development officer",
                "Practice review officer",
                "Business support officer",
                "Voice and engagement officer",
            ),
            shape.BUSINESS_UNIT_TEAM,
        ),
        _one(SYSADMIN, "Systems and information officer", shape.BUSINESS_UNIT_TEAM),
        _one(SCRUTINEER, "Independent Chair and Scrutineer"),
        Staff(
            YOUNG_PERSON,
            4,
            ("Youth Safeguarding Partner",),
            shape.YOUTH_SAFEGUARDING_PARTNERS,
            grows_with_scale=True,
        ),
    ),
    shape.HOSPITAL_TRUST: (
        _one(LEAD, "Named Nurse for Safeguarding Children", shape.HOSPITAL_SAFEGUARDING, also=(MEMBER,)),
        _one(AUDITOR, "Safeguarding children practitioner", shape.HOSPITAL_SAFEGUARDING),
        Staff(
            REFERRER,
            2,
            ("Emergency department nurse", "Paediatric registrar"),
            "Emergency department",
            grows_with_scale=True,
        ),
        Staff(REFERRER, 2, ("Health visitor",), "Health visiting", grows_with_scale=True),
        Staff(REFERRER, 2, ("School nurse",), "School nursing", grows_with_scale=True),
        Staff(REFERRER, 1, ("Midwife", "Named Midwife for Safeguarding"), "Maternity", grows_with_scale=True),
    ),
    shape.MENTAL_HEALTH_TRUST: (
        _one(LEAD, "Head of Safeguarding", shape.MENTAL_HEALTH_SAFEGUARDING, also=(MEMBER,)),
        _one(AUDITOR, "Safeguarding practitioner", shape.MENTAL_HEALTH_SAFEGUARDING),
        Staff(
            REFERRER,
            2,
            ("CAMHS practitioner", "Clinical psychologist"),
            "Child and adolescent mental health services (CAMHS)",
            grows_with_scale=True,
        ),
        Staff(REFERRER, 1, ("Community psychiatric nurse",), "Adult mental health", grows_with_scale=True),
    ),
    shape.PROBATION: (
        _one(LEAD, "Senior probation officer", "Walsall probation delivery unit", also=(MEMBER,)),
        Staff(
            REFERRER,
            2,
            ("Probation officer", "Probation services officer"),
            "Walsall probation delivery unit",
            grows_with_scale=True,
        ),
        _one(AUDITOR, "Quality development officer", "Walsall probation delivery unit"),
    ),
    shape.YOUTH_JUSTICE: (
        _one(LEAD, "Youth justice service manager", also=(MEMBER,)),
        Staff(REFERRER, 2, ("Youth justice officer", "Youth justice social worker"), grows_with_scale=True),
    ),
    shape.HOUSING_GROUP: (
        _one(LEAD, "Safeguarding manager", "Tenancy and neighbourhoods", also=(MEMBER,)),
        Staff(
            REFERRER,
            2,
            ("Housing officer", "Tenancy sustainment officer"),
            "Tenancy and neighbourhoods",
            grows_with_scale=True,
        ),
    ),
    shape.FIRE: (
        _one(LEAD, "Station commander, prevention", "Prevention and community safety", also=(MEMBER,)),
        Staff(
            REFERRER,
            1,
            ("Community safety officer", "Firefighter"),
            "Prevention and community safety",
            grows_with_scale=True,
        ),
    ),
}


def _locality_staff(locality: str) -> tuple[Staff, ...]:
    return (
        Staff(REFERRER, 1, ("Team manager",), shape.social_care_team(locality)),
        Staff(
            REFERRER,
            3,
            ("Social worker", "Senior social worker", "Family support worker"),
            shape.social_care_team(locality),
        ),
        Staff(
            REFERRER,
            2,
            ("Early help practitioner", "Family support worker", "Parenting practitioner"),
            shape.early_help_team(locality),
        ),
    )


@dataclass
class NewPerson:
    """A person not yet saved, with the roles they will hold: (agency, team, role) each."""

    user: User
    roles: list[tuple[Agency, Team | None, str]]


def person_new(ctx: SeedContext, agency: Agency, *, title: str, email: str | None = None) -> User:
    """An invented person (unsaved) working in `agency`; nobody can sign in as them (unusable password)."""
    name = ctx.person_name()
    started = ctx.start_date()
    return User(
        email=email or ctx.unique_email(f"{name.first}.{name.family}", agency_domain(agency)),
        full_name=name.full,
        job_title=title,
        phone=ctx.mobile() if ctx.rng.random() < 0.3 else ctx.landline(),
        password=make_password(None),
        date_joined=ctx.aware(started),
    )


def people_save(ctx: SeedContext, people: list[NewPerson]) -> list[User]:
    """Save people and their memberships (each role starting the day they joined)."""
    users = bulk_save(User, [p.user for p in people])
    memberships = [
        Membership(user=user, agency=agency, team=team, role=role, starts_on=user.date_joined.date())
        for user, person in zip(users, people, strict=True)
        for agency, team, role in person.roles
    ]
    bulk_save(Membership, memberships)
    for user in users:
        ctx.users_by_email[user.email] = user
    ctx.counts["people"] += len(users)
    ctx.counts["memberships"] += len(memberships)
    return users


def people_create(ctx: SeedContext) -> None:
    """Staff for every agency, in the order the agencies were made."""
    people: list[NewPerson] = []
    council_localities = [s for loc in shape.localities(ctx.scale) for s in _locality_staff(loc)]
    for agency in ctx.agencies.values():
        plan = STAFF_BY_AGENCY.get(agency.code) or STAFF_BY_KIND.get(agency.kind, ())
        if agency.code == shape.COUNCIL:
            plan = (*plan, *council_localities)
        for staff in plan:
            team = ctx.team(agency.code, staff.team) if staff.team else None
            count = staff.count * (ctx.scale if staff.grows_with_scale else 1)
            for _ in range(count):
                user = person_new(ctx, agency, title=ctx.rng.choice(staff.titles))
                roles = [(agency, team, staff.role), *((agency, team, extra) for extra in staff.also)]
                people.append(NewPerson(user, roles))
    people_save(ctx, people)
