"""The foundation's endpoints: who the token acts as, and the agencies it may see."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from safeguarding.access.permissions import get_for_user, visible_to
from safeguarding.accounts.models import Agency
from safeguarding.accounts.roles import PERMISSIONS
from safeguarding.api.auth import api_caller, caller_with
from safeguarding.api.schemas import (
    AgencyDetailOut,
    AgencyListIn,
    AgencyOut,
    AgencyPageOut,
    AgencyRefOut,
    ErrorOut,
    GrantOut,
    MeOut,
    RoleOut,
    TeamOut,
    TokenInfoOut,
    ValidationErrorOut,
)

router = Router(tags=["Foundation"])

# Answers every authenticated endpoint may give besides its own: no usable token, or a role without the
# permission the endpoint needs.
AUTHENTICATED_ERRORS: dict[int, type] = {401: ErrorOut, 403: ErrorOut}


def _agency_out(agency: Agency) -> AgencyOut:
    return AgencyOut(
        code=agency.code,
        name=agency.name,
        kind=agency.kind,
        kind_label=agency.get_kind_display(),
        statutory_partner=agency.is_statutory_partner,
        active=agency.active,
    )


@router.get("/me", response={200: MeOut, 401: ErrorOut}, summary="Who this token acts as")
def me(request: HttpRequest) -> MeOut:
    """The person, agency and role the token acts through, and the permissions (with scopes) it grants."""
    caller = api_caller(request)
    membership = caller.membership
    role = membership.role_definition
    caller.about(membership.user)
    return MeOut(
        name=membership.user.full_name,
        email=membership.user.email,
        agency=AgencyRefOut(code=membership.agency.code, name=membership.agency.name),
        team=membership.team.name if membership.team else None,
        role=RoleOut(code=role.code, name=role.name),
        permissions=[
            GrantOut(
                permission=g.permission,
                scope=g.scope.value,
                description=PERMISSIONS[g.permission].description,
            )
            for g in role.grants
        ],
        token=TokenInfoOut(
            prefix=caller.token.prefix,
            name=caller.token.name,
            created_at=caller.token.created_at,
            expires_at=caller.token.expires_at,
        ),
    )


@router.get(
    "/agencies",
    response={200: AgencyPageOut, 422: ValidationErrorOut, **AUTHENTICATED_ERRORS},
    summary="Agencies",
)
def agency_list(request: HttpRequest, filters: Query[AgencyListIn]) -> AgencyPageOut:
    """The agencies the token's role may see (permission `agency.view`, in its scope), by name."""
    caller = caller_with(request, "agency.view")
    agencies = visible_to(caller.actor, Agency.objects.all(), "agency.view").order_by("name", "pk")
    if filters.active is not None:
        agencies = agencies.filter(active=filters.active)
    count = agencies.count()
    caller.about_list(Agency, count)
    page = agencies[filters.offset : filters.offset + filters.limit]
    return AgencyPageOut(count=count, items=[_agency_out(agency) for agency in page])


@router.get(
    "/agencies/{code}",
    response={200: AgencyDetailOut, 404: ErrorOut, **AUTHENTICATED_ERRORS},
    summary="One agency",
)
def agency_detail(request: HttpRequest, code: str) -> AgencyDetailOut:
    """An agency by its code (any case) with its teams; 404 when there is none the token may see."""
    caller = caller_with(request, "agency.view")
    pk = Agency.objects.filter(code__iexact=code).values_list("pk", flat=True).first()
    agency = get_for_user(caller.actor, Agency, pk, view_permission="agency.view")
    caller.about(agency)
    return AgencyDetailOut(
        **_agency_out(agency).model_dump(),
        email=agency.email,
        phone=agency.phone,
        address=agency.address,
        teams=[
            TeamOut(id=team.pk, name=team.name, active=team.active) for team in agency.teams.order_by("name")
        ],
    )
