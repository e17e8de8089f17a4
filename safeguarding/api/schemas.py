"""The shapes the foundation endpoints answer with (and the error bodies every endpoint shares)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema


class ErrorOut(Schema):
    """401, 403 and 404 bodies: what went wrong, in words."""

    detail: str


class ValidationErrorOut(Schema):
    """422 body: one entry per invalid input, with where it was (`loc`) and why (`msg`)."""

    detail: list[dict[str, Any]]


class PageIn(Schema):
    """Paging of list endpoints: up to `limit` records, after skipping `offset`."""

    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


class AgencyListIn(PageIn):
    active: bool | None = Field(None, description="Only active (true) or inactive (false) agencies")


class HealthOut(Schema):
    status: str
    database: str


class AgencyRefOut(Schema):
    code: str
    name: str


class RoleOut(Schema):
    code: str
    name: str


class GrantOut(Schema):
    permission: str
    scope: str
    description: str


class TokenInfoOut(Schema):
    prefix: str
    name: str
    created_at: datetime
    expires_at: datetime | None


class MeOut(Schema):
    name: str
    email: str
    agency: AgencyRefOut
    team: str | None
    role: RoleOut
    permissions: list[GrantOut]
    token: TokenInfoOut


class TeamOut(Schema):
    id: int
    name: str
    active: bool


class AgencyOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    statutory_partner: bool
    active: bool


class AgencyDetailOut(AgencyOut):
    email: str
    phone: str
    address: str
    teams: list[TeamOut]


class AgencyPageOut(Schema):
    count: int
    items: list[AgencyOut]
