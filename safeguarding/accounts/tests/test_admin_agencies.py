"""Administration of agencies and teams: who may see and change what, clashes, history and the access log."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguarding.accesslog.models import AccessEvent
from safeguarding.accounts.models import Agency, Membership, Team
from safeguarding.core.testing import Personas, make_agency, make_team, make_user

pytestmark = pytest.mark.django_db


def _detail(agency: Agency) -> str:
    return reverse("administration:agency-detail", args=[agency.pk])


def _edit(agency: Agency) -> str:
    return reverse("administration:agency-edit", args=[agency.pk])


# --- The list -------------------------------------------------------------------------------------------


def test_list_shows_every_agency_to_the_business_unit_with_statutory_tag_and_people_count(
    personas: Personas,
) -> None:
    council = make_agency(name="Walsall Council", code="WALSALL-LA", kind=Agency.Kind.LOCAL_AUTHORITY)
    make_user("referrer", council)
    make_user("referrer", council)
    page = personas.client("bu_officer").get(reverse("administration:agency-list")).content.decode()
    for name in ("Agency A", "Agency B", "Business Unit", "Walsall Council"):
        assert name in page
    row = page[page.index("Walsall Council") : page.index("</tr>", page.index("Walsall Council"))]
    assert "Statutory partner" in row
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">2</td>' in row
    a_row = page[page.index("Agency A") : page.index("</tr>", page.index("Agency A"))]
    assert "Statutory partner" not in a_row


def test_people_count_leaves_out_ended_roles_and_deactivated_people(personas: Personas) -> None:
    agency = make_agency(name="Counted Agency")
    make_user("referrer", agency)
    gone = make_user("referrer", agency)
    gone.is_active = False
    gone.save()
    ended = make_user()
    Membership.objects.create(
        user=ended, agency=agency, role="referrer", starts_on="2020-01-01", ends_on="2021-01-01"
    )
    from safeguarding.accounts.selectors import agencies_visible_to

    counted = agencies_visible_to(personas.bu_officer).get(pk=agency.pk)
    assert getattr(counted, "people_count") == 1  # noqa: B009  (an annotation mypy cannot see)


def test_list_filters_by_kind_and_status(personas: Personas) -> None:
    make_agency(name="West Midlands Police", code="WMP", kind=Agency.Kind.POLICE)
    make_agency(name="Closed School", code="CLOSED", kind=Agency.Kind.SCHOOL, active=False)
    client = personas.client("bu_officer")
    police = client.get(reverse("administration:agency-list"), {"kind": "police"}).content.decode()
    assert "West Midlands Police" in police
    assert "Agency A" not in police
    closed = client.get(reverse("administration:agency-list"), {"status": "deactivated"}).content.decode()
    assert "Closed School" in closed
    assert "Agency A" not in closed
    active = client.get(reverse("administration:agency-list"), {"status": "active"}).content.decode()
    assert "Closed School" not in active


def test_agency_scope_lists_only_their_own_agency(personas: Personas) -> None:
    page = personas.client("a_worker").get(reverse("administration:agency-list")).content.decode()
    assert "Agency A" in page
    assert "Agency B" not in page
    assert "Business Unit" not in page
    assert "Add an agency" not in page


def test_agency_list_queries_do_not_grow_with_agencies(
    personas: Personas, django_assert_max_num_queries: Any
) -> None:
    client = personas.client("bu_officer")
    url = reverse("administration:agency-list")
    client.get(url)  # the first request of a session does one-off work
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(60):
        agency = make_agency(name=f"Bulk Agency {n:02}", code=f"BULK{n}")
        make_team(agency)
        make_user("referrer", agency)
        make_user("auditor", agency)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    page = response.content.decode()
    assert "Bulk Agency 00" in page
    assert "Bulk Agency 59" not in page  # on the second page of 50
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "Bulk Agency 59" in client.get(url, {"page": "2"}).content.decode()


# --- Detail: the persona matrix -------------------------------------------------------------------------


def test_detail_persona_matrix(personas: Personas) -> None:
    url = _detail(personas.agency_a)
    assert personas.client("a_worker").get(url).status_code == 200
    assert personas.client("a_readonly").get(url).status_code == 200
    assert personas.client("b_worker").get(url).status_code == 404
    assert personas.client("bu_officer").get(url).status_code == 200
    assert personas.client("sysadmin").get(url).status_code == 200
    assert personas.client("bu_officer").post(url).status_code == 405
    signed_out = Client().get(url)
    assert signed_out.status_code == 302
    assert signed_out["Location"].startswith(reverse("accounts:sign-in"))


def test_detail_shows_details_teams_and_people_with_current_roles(personas: Personas) -> None:
    agency = personas.agency_a
    agency.email = "office@agency-a.example.org"
    agency.save()
    leaver = make_user(full_name="Lena Leaver")
    Membership.objects.create(
        user=leaver, agency=agency, role="referrer", starts_on="2020-01-01", ends_on="2021-01-01"
    )
    page = personas.client("a_worker").get(_detail(agency)).content.decode()
    assert "office@agency-a.example.org" in page
    assert "Pastoral team" in page
    assert "Ada Worker" in page
    assert "Agency safeguarding lead" in page
    assert "Alan Reader" in page
    assert "Lena Leaver" not in page
    # An agency lead may change their agency, but not manage people or deactivate it.
    assert _edit(agency) in page
    assert reverse("administration:agency-deactivate", args=[agency.pk]) not in page
    assert reverse("administration:person-detail", args=[personas.a_worker.pk]) not in page


def test_read_only_detail_has_no_change_links(personas: Personas) -> None:
    page = personas.client("a_readonly").get(_detail(personas.agency_a)).content.decode()
    assert _edit(personas.agency_a) not in page
    assert reverse("administration:team-create", args=[personas.agency_a.pk]) not in page


def test_detail_of_missing_agency_is_404(personas: Personas) -> None:
    assert personas.client("bu_officer").get("/administration/agencies/999999/").status_code == 404


# --- Editing --------------------------------------------------------------------------------------------


def test_edit_persona_matrix(personas: Personas) -> None:
    url = _edit(personas.agency_a)
    assert personas.client("a_worker").get(url).status_code == 200
    assert personas.client("a_readonly").get(url).status_code == 403
    assert personas.client("a_readonly").post(url, {"email": "x@example.org"}).status_code == 403
    assert personas.client("b_worker").get(url).status_code == 404
    assert personas.client("bu_officer").get(url).status_code == 200
    assert personas.client("sysadmin").get(url).status_code == 200
    assert personas.client("bu_officer").put(url).status_code == 405
    assert Client().get(url)["Location"].startswith(reverse("accounts:sign-in"))


def test_agency_lead_changes_contact_details_only(personas: Personas) -> None:
    agency = personas.agency_a
    client = personas.client("a_worker")
    form = client.get(_edit(agency)).content.decode()
    assert 'name="email"' in form
    assert 'name="code"' not in form
    response = client.post(
        _edit(agency),
        {"email": "dsl@agency-a.example.org", "phone": "01922 000000", "address": "1 School Lane"},
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.email == "dsl@agency-a.example.org"
    assert agency.name == "Agency A"
    event = AccessEvent.objects.get(
        subject_type="accounts.agency", subject_id=str(agency.pk), action="change"
    )
    assert event.actor_id == personas.a_worker.pk
    assert event.details["email"] == ["", "dsl@agency-a.example.org"]
    assert agency.history.count() == 2


def test_business_unit_renames_and_recodes_and_clashes_are_form_errors(personas: Personas) -> None:
    client = personas.client("bu_officer")
    url = _edit(personas.agency_a)
    fields = {"name": "agency b", "code": "agb", "kind": "school", "email": "", "phone": "", "address": ""}
    clash = client.post(url, fields)
    assert clash.status_code == 200
    page = clash.content.decode()
    assert "There is a problem" in page
    assert "An agency with this name already exists" in page
    assert "An agency with this code already exists" in page
    assert 'href="#id_name"' in page
    fields.update(name="Agency Alpha", code="aga-2")
    assert client.post(url, fields).status_code == 302
    personas.agency_a.refresh_from_db()
    assert (personas.agency_a.name, personas.agency_a.code) == ("Agency Alpha", "AGA-2")


def test_code_must_be_letters_numbers_hyphens(personas: Personas) -> None:
    response = personas.client("bu_officer").post(
        reverse("administration:agency-create"), {"name": "New Place", "code": "NEW PLACE!", "kind": "school"}
    )
    assert "Short code must use only capital letters, numbers and hyphens" in response.content.decode()
    assert not Agency.objects.filter(name="New Place").exists()


# --- Creating, deactivating -----------------------------------------------------------------------------


def test_create_persona_matrix_and_creation(personas: Personas) -> None:
    url = reverse("administration:agency-create")
    assert personas.client("a_worker").get(url).status_code == 403
    assert personas.client("a_readonly").get(url).status_code == 403
    assert personas.client("sysadmin").get(url).status_code == 200
    assert personas.client("bu_officer").delete(url).status_code == 405
    assert Client().get(url)["Location"].startswith(reverse("accounts:sign-in"))
    response = personas.client("bu_officer").post(
        url,
        {
            "name": "Walsall Housing Group",
            "code": "whg",
            "kind": "housing",
            "email": "safeguarding@whg.example.org",
        },
    )
    agency = Agency.objects.get(code="WHG")
    assert response["Location"] == _detail(agency)
    event = AccessEvent.objects.get(subject_type="accounts.agency", subject_id=str(agency.pk))
    assert event.action == "create"
    assert event.details["name"] == [None, "Walsall Housing Group"]
    assert agency.history.count() == 1


def test_create_clash_is_case_insensitive(personas: Personas) -> None:
    response = personas.client("bu_officer").post(
        reverse("administration:agency-create"), {"name": "AGENCY A", "code": "NEWCODE", "kind": "school"}
    )
    assert "An agency with this name already exists" in response.content.decode()
    assert Agency.objects.filter(name__iexact="agency a").count() == 1


def test_deactivate_and_reactivate(personas: Personas) -> None:
    agency = personas.agency_a
    url = reverse("administration:agency-deactivate", args=[agency.pk])
    assert personas.client("a_worker").get(url).status_code == 403
    assert personas.client("a_worker").post(url).status_code == 403
    client = personas.client("bu_officer")
    confirm = client.get(url).content.decode()
    assert "2 people hold roles in Agency A" in confirm
    assert client.post(url).status_code == 302
    agency.refresh_from_db()
    assert agency.active is False
    # Roles held there stop applying: the agency lead, whose only role was there, now has no permissions.
    assert personas.client("a_worker").get(_detail(agency)).status_code == 403
    reactivate = reverse("administration:agency-reactivate", args=[agency.pk])
    assert client.get(reactivate).status_code == 405
    assert client.post(reactivate).status_code == 302
    agency.refresh_from_db()
    assert agency.active is True
    changes = AccessEvent.objects.filter(subject_type="accounts.agency", subject_id=str(agency.pk)).order_by(
        "id"
    )
    assert [e.details["active"] for e in changes] == [[True, False], [False, True]]


def test_cannot_deactivate_the_agency_you_hold_your_roles_through(personas: Personas) -> None:
    client = personas.client("bu_officer")
    url = reverse("administration:agency-deactivate", args=[personas.business_unit.pk])
    response = client.post(url, follow=True)
    assert "would remove your access" in response.content.decode()
    personas.business_unit.refresh_from_db()
    assert personas.business_unit.active is True


# --- Teams ----------------------------------------------------------------------------------------------


def test_agency_lead_adds_renames_and_deactivates_a_team(personas: Personas) -> None:
    agency = personas.agency_a
    client = personas.client("a_worker")
    create = reverse("administration:team-create", args=[agency.pk])
    assert client.post(create, {"name": "  Early   help  "}).status_code == 302
    team = Team.objects.get(agency=agency, name="Early help")
    clash = client.post(create, {"name": "PASTORAL TEAM"})
    assert "This agency already has a team with this name" in clash.content.decode()
    edit = reverse("administration:team-edit", args=[agency.pk, team.pk])
    assert client.post(edit, {"name": "Early help hub"}).status_code == 302
    team.refresh_from_db()
    assert team.name == "Early help hub"
    deactivate = reverse("administration:team-deactivate", args=[agency.pk, team.pk])
    assert client.get(deactivate).status_code == 405
    assert client.post(deactivate).status_code == 302
    team.refresh_from_db()
    assert team.active is False
    assert (
        client.post(reverse("administration:team-reactivate", args=[agency.pk, team.pk])).status_code == 302
    )
    team.refresh_from_db()
    assert team.active is True
    events = AccessEvent.objects.filter(subject_type="accounts.team", subject_id=str(team.pk)).order_by("id")
    assert [e.action for e in events] == ["create", "change", "change", "change"]
    assert events[1].details == {"name": ["Early help", "Early help hub"]}


def test_same_team_name_is_fine_in_another_agency(personas: Personas) -> None:
    client = personas.client("bu_officer")
    response = client.post(
        reverse("administration:team-create", args=[personas.agency_b.pk]), {"name": "Pastoral team"}
    )
    assert response.status_code == 302
    assert Team.objects.filter(name="Pastoral team").count() == 2


def test_team_pages_persona_matrix(personas: Personas) -> None:
    agency, team = personas.agency_a, personas.team_a
    create = reverse("administration:team-create", args=[agency.pk])
    edit = reverse("administration:team-edit", args=[agency.pk, team.pk])
    deactivate = reverse("administration:team-deactivate", args=[agency.pk, team.pk])
    assert personas.client("a_readonly").get(create).status_code == 403
    assert personas.client("a_readonly").post(deactivate).status_code == 403
    assert personas.client("b_worker").get(create).status_code == 404
    assert personas.client("b_worker").get(edit).status_code == 404
    assert personas.client("b_worker").post(deactivate).status_code == 404
    assert personas.client("sysadmin").get(edit).status_code == 200
    assert Client().get(edit)["Location"].startswith(reverse("accounts:sign-in"))
    # A team of agency B can't be reached through agency A's address.
    other = make_team(personas.agency_b)
    assert (
        personas.client("a_worker")
        .get(reverse("administration:team-edit", args=[agency.pk, other.pk]))
        .status_code
        == 404
    )
