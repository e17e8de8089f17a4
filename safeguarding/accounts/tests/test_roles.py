"""The role catalogue as data, and the administrators' page generated from it."""

from __future__ import annotations

import html
from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse

from safeguarding.accounts.roles import PERMISSIONS, ROLES, Scope, check_catalogue
from safeguarding.accounts.selectors import permission_matrix, role_catalogue
from safeguarding.core.testing import Personas

URL = reverse("administration:roles")


# --- The catalogue --------------------------------------------------------------------------------------


def test_catalogue_has_no_unknown_permissions() -> None:
    assert check_catalogue() == []


def test_every_role_in_the_design_exists() -> None:
    expected = {
        "referrer", "agency_safeguarding_lead", "mash_practitioner", "mash_manager",
        "business_unit_officer", "business_unit_manager", "subgroup_chair", "subgroup_member",
        "independent_scrutineer", "executive_member", "auditor", "case_reviewer",
        "young_peoples_representative", "system_administrator",
    }  # fmt: skip
    assert set(ROLES) == expected


def test_no_role_grants_a_permission_twice() -> None:
    for role in ROLES.values():
        counts = Counter(grant.permission for grant in role.grants)
        assert [code for code, n in counts.items() if n > 1] == [], role.code


def test_every_permission_is_granted_by_some_role() -> None:
    granted = {grant.permission for role in ROLES.values() for grant in role.grants}
    assert set(PERMISSIONS) - granted == set()


def test_identifiable_roles_are_exactly_those_granting_an_identifiable_permission() -> None:
    identifiable_permissions = {code for code, p in PERMISSIONS.items() if p.identifiable}
    for role in ROLES.values():
        grants_one = any(g.permission in identifiable_permissions for g in role.grants)
        assert role.grants_identifiable is grants_one, role.code
    assert ROLES["mash_practitioner"].grants_identifiable
    assert ROLES["case_reviewer"].grants_identifiable
    # The system administrator keeps the platform running and sees no case material.
    assert not ROLES["system_administrator"].grants_identifiable
    assert not ROLES["business_unit_officer"].grants_identifiable


def test_independent_scrutineer_changes_nothing() -> None:
    read_only_suffixes = (".view", ".export")
    for grant in ROLES["independent_scrutineer"].grants:
        assert grant.permission.endswith(read_only_suffixes), grant.permission


def test_business_unit_manager_holds_everything_an_officer_does_and_the_access_log() -> None:
    officer = {(g.permission, g.scope) for g in ROLES["business_unit_officer"].grants}
    manager = {(g.permission, g.scope) for g in ROLES["business_unit_manager"].grants}
    assert officer < manager
    assert ("accesslog.view", Scope.PARTNERSHIP) in manager
    assert ("breakglass.review", Scope.PARTNERSHIP) in manager


def test_matrix_agrees_with_each_roles_scope_for() -> None:
    roles = list(ROLES.values())
    rows = [row for area in permission_matrix() for row in area.rows]
    assert [row.permission.code for row in rows] == list(PERMISSIONS)
    for row in rows:
        assert row.scopes == [role.scope_for(row.permission.code) for role in roles]
    assert [entry.role.code for entry in role_catalogue()] == list(ROLES)


# --- The page -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_page_lists_every_role_and_permission_from_the_catalogue(personas: Personas) -> None:
    response = personas.client("bu_officer").get(URL)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    for role in ROLES.values():
        assert role.name in page, role.code
        assert role.description in page, role.code
        assert f'id="role-{role.code}"' in page
    for permission in PERMISSIONS.values():
        assert f"<code>{permission.code}</code>" in page, permission.code
        assert permission.description in page, permission.code
    for scope in Scope:
        assert scope.label in page


@pytest.mark.django_db
def test_page_marks_identifiable_roles_and_break_glass(personas: Personas) -> None:
    page = personas.client("sysadmin").get(URL).content.decode()
    mash = page[page.index('id="role-mash_practitioner"') : page.index('id="role-mash_manager"')]
    assert "needs two-factor sign-in" in mash
    assert "may open a record outside their scope" in mash
    sysadmin = page[page.index('id="role-system_administrator"') : page.index('id="matrix"')]
    assert "needs two-factor sign-in" not in sysadmin
    assert "may open a record outside their scope" not in sysadmin


@pytest.mark.django_db
def test_matrix_has_a_row_per_permission_and_a_column_per_role(personas: Personas) -> None:
    page = personas.client("bu_officer").get(URL).content.decode()
    matrix = page[page.index('id="matrix"') :]
    assert matrix.count('<th scope="row"') == len(PERMISSIONS)
    header = matrix[matrix.index("<thead") : matrix.index("</thead>")]
    assert header.count('<th scope="col"') == len(ROLES) + 1


@pytest.mark.django_db
def test_roles_page_persona_matrix(personas: Personas) -> None:
    assert personas.client("sysadmin").get(URL).status_code == 200
    assert personas.client("bu_manager").get(URL).status_code == 200
    for persona in ("a_worker", "a_readonly", "b_worker"):
        assert personas.client(persona).get(URL).status_code == 403
    assert personas.client("bu_officer").post(URL).status_code == 405
    signed_out = Client().get(URL)
    assert signed_out.status_code == 302
    assert signed_out["Location"].startswith(reverse("accounts:sign-in"))
