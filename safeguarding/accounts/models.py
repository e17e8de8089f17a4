"""Organisations, people and the roles they hold.

An Agency is any organisation in the partnership (a statutory partner or a relevant agency); a Team sits
within an agency. A User signs in by email and holds roles through Memberships: user + agency (+ team) +
role, valid from a start date until an end date. Access is decided from memberships in force today.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from safeguarding.accounts.roles import ROLE_CHOICES, ROLES, Role
from safeguarding.core.models import TimeStampedModel


class Agency(TimeStampedModel):
    class Kind(models.TextChoices):
        # The three statutory safeguarding partners (Children Act 2004 s16E, as amended in 2017).
        LOCAL_AUTHORITY = "local_authority", "Local authority (statutory partner)"
        HEALTH_ICB = "health_icb", "Health: integrated care board (statutory partner)"
        POLICE = "police", "Police (statutory partner)"
        # Relevant agencies: the kinds in Appendix 1 of the partnership's published arrangements (seed 004).
        SCHOOL = "school", "School"
        COLLEGE = "college", "College or further education"
        EARLY_YEARS = "early_years", "Early years or childcare provider"
        GP_PRACTICE = "gp_practice", "GP practice (primary care)"
        NHS_TRUST = "nhs_trust", "NHS trust or healthcare provider"
        PUBLIC_HEALTH = "public_health", "Public health"
        PROBATION = "probation", "Probation service"
        YOUTH_JUSTICE = "youth_justice", "Youth justice (youth offending) service"
        HOUSING = "housing", "Housing provider"
        FIRE = "fire", "Fire and rescue service"
        VOLUNTARY_FAITH = "voluntary_faith", "Voluntary, charity, faith or community organisation"
        CHILDRENS_HOMES = "childrens_homes", "Children's home, fostering agency or supported housing"
        ADULT_SERVICES = "adult_services", "Adult social care"
        CAFCASS = "cafcass", "Cafcass (Children and Family Court Advisory and Support Service)"
        BRITISH_TRANSPORT_POLICE = "btp", "British Transport Police"
        ARMED_FORCES = "armed_forces", "Armed forces"
        PRISON = "prison", "Prison or secure estate"
        IMMIGRATION = "immigration", "UK Visas and Immigration, Immigration Enforcement or Border Force"
        SPORTS = "sports", "Sports organisation"
        COUNCIL_SERVICE = "council_service", "Other council service (licensing, tourism...)"
        REGULATOR = "regulator", "Regulator or watchdog (CQC, Healthwatch, coroner)"
        PARTNERSHIP_BUSINESS_UNIT = "business_unit", "The partnership's business unit"
        OTHER = "other", "Other"

    STATUTORY_KINDS: ClassVar[frozenset[str]] = frozenset(
        {Kind.LOCAL_AUTHORITY, Kind.HEALTH_ICB, Kind.POLICE}
    )

    name = models.CharField(max_length=200)
    code = models.CharField(
        max_length=20,
        help_text="A short code used in references and the API, for example WMP or WALSALL-LA.",
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    active = models.BooleanField(default=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)

    history = HistoricalRecords()

    # How the access module scopes this model (see access/permissions.py).
    access_agency_path: ClassVar[str] = "pk"
    # Someone whose role allows break-glass may read another agency's record, giving a reason (logged).
    break_glass_permission: ClassVar[str] = "agency.view"

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(Lower("code"), name="agency_code_unique_ci"),
            models.UniqueConstraint(Lower("name"), name="agency_name_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_statutory_partner(self) -> bool:
        return self.kind in self.STATUTORY_KINDS


class Team(TimeStampedModel):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    active = models.BooleanField(default=True)

    history = HistoricalRecords()

    access_agency_path: ClassVar[str] = "agency_id"
    access_team_path: ClassVar[str] = "pk"

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [
            models.UniqueConstraint("agency", Lower("name"), name="team_name_unique_in_agency_ci"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.code})"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username or "")


class User(AbstractBaseUser):
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(
        default=True, help_text="Deactivated people cannot sign in; their history stays."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    # Raised to end every session of this person at once ("sign out everywhere", deactivation).
    session_generation = models.PositiveIntegerField(default=0)

    history = HistoricalRecords(excluded_fields=["password", "last_login", "session_generation"])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    # Agency scope over people follows memberships, ended ones included: an agency keeps seeing who worked
    # for it. Pages listing "current staff" filter to current memberships themselves.
    access_agency_path: ClassVar[str] = "memberships__agency_id"
    access_own_path: ClassVar[str] = "pk"

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def get_session_auth_hash(self) -> str:
        # Django ends a session when this hash changes; folding in session_generation lets
        # "sign out everywhere" and deactivation end every session without touching the password.
        return super().get_session_auth_hash() + f":{self.session_generation}"

    def current_memberships(self, on: date | None = None) -> models.QuerySet[Membership]:
        return self.memberships.current(on).select_related("agency", "team")

    @property
    def roles_grant_identifiable(self) -> bool:
        """True when any current role reaches identifiable data, so two-factor sign-in is required."""
        return any(m.role_definition.grants_identifiable for m in self.current_memberships())


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self, on: date | None = None) -> MembershipQuerySet:
        """Memberships in force on a day (today by default), of active users in active agencies."""
        day = on or timezone.localdate()
        return self.filter(
            Q(starts_on__lte=day),
            Q(ends_on__isnull=True) | Q(ends_on__gt=day),
            user__is_active=True,
            agency__active=True,
        )


class Membership(TimeStampedModel):
    """A person's role in an agency (and optionally a team), from starts_on until the day before ends_on."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="memberships", null=True, blank=True
    )
    role = models.CharField(max_length=40, choices=ROLE_CHOICES)
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField(
        null=True, blank=True, help_text="The first day the role no longer applies; empty while it goes on."
    )

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    access_agency_path: ClassVar[str] = "agency_id"
    access_team_path: ClassVar[str] = "team_id"
    access_own_path: ClassVar[str] = "user_id"

    class Meta:
        ordering = ["agency__name", "role"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="membership_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["user", "ends_on"], name="membership_user_end_idx")]

    def __str__(self) -> str:
        return f"{self.user.full_name}: {self.role_definition.name}, {self.agency.code}"

    @property
    def role_definition(self) -> Role:
        return ROLES[self.role]

    def is_current(self, on: date | None = None) -> bool:
        day = on or timezone.localdate()
        return self.starts_on <= day and (self.ends_on is None or self.ends_on > day)
