"""The briefing pages per persona: bu_officer writes; a_worker (agency safeguarding lead, learning.view) reads
published briefings only (a draft is 404, a form 403); a person without learning.view gets 403 everywhere."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from safeguarding.briefings.models import SECTIONS_BY_NAME, Briefing, BriefingShare
from safeguarding.briefings.tests.helpers import SECTION_TEXTS, make_audit_rounds, make_briefing, make_review
from safeguarding.core.testing import Personas, make_personas, make_user, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def personas() -> Personas:
    personas = make_personas()
    make_review(personas)
    make_audit_rounds(personas, "MAA-2023-Q1", "MAA-2023-Q2", "MAA-1")
    return personas


@pytest.fixture
def published(personas: Personas) -> Briefing:
    return make_briefing(personas.bu_officer, published_on=date(2023, 3, 1))


@pytest.fixture
def draft(personas: Personas) -> Briefing:
    return make_briefing(
        personas.bu_officer,
        source_kind=Briefing.SourceKind.AUDIT,
        source_ref="MAA-2023-Q1",
        title="Neglect audit: the lived experience of children",
    )


@pytest.fixture
def outsider() -> Client:
    # The young people's representative holds no learning.view.
    return sign_in(Client(), make_user("young_peoples_representative"))


def _form_data(**extra: str) -> dict[str, str]:
    data = {"title": "Bruising in babies", **SECTION_TEXTS, "further_reading": ""}
    data.update(extra)
    return data


def _date(prefix: str, day: date) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


# --- Reading ----------------------------------------------------------------------------------------------


def test_home_lists_published_and_writers_see_drafts(
    personas: Personas, published: Briefing, draft: Briefing
) -> None:
    response = personas.client("bu_officer").get(reverse("briefings:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert published.title in page and draft.title in page
    assert 'id="draft-briefings"' in page
    assert reverse("briefings:create") in page

    response = personas.client("a_worker").get(reverse("briefings:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert published.title in page
    assert draft.title not in page
    assert reverse("briefings:create") not in page


def test_home_filters_by_source_kind(personas: Personas, published: Briefing, draft: Briefing) -> None:
    from safeguarding.briefings import services

    services.briefing_publish(actor=personas.bu_officer, briefing=draft, published_on=date(2023, 5, 1))
    client = personas.client("a_worker")
    page = client.get(reverse("briefings:home"), {"kind": "audit"}).content.decode()
    assert draft.title in page and published.title not in page
    page = client.get(reverse("briefings:home"), {"kind": "case_review"}).content.decode()
    assert published.title in page and draft.title not in page
    page = client.get(reverse("briefings:home"), {"kind": "nonsense"}).content.decode()
    assert published.title in page and draft.title in page


def test_home_and_area_navigation(personas: Personas, outsider: Client) -> None:
    response = personas.client("a_readonly").get(reverse("core:home"))
    assert f'href="{reverse("briefings:home")}"' in response.content.decode()
    assert outsider.get(reverse("briefings:home")).status_code == 403


def test_detail_reads_like_the_seven_sections(personas: Personas, published: Briefing) -> None:
    BriefingShare.objects.create(
        briefing=published,
        channel=BriefingShare.Channel.NEWSLETTER,
        detail="Practitioner newsletter, spring 2023",
        shared_on=date(2023, 4, 3),
        recorded_by=personas.bu_officer,
    )
    response = personas.client("a_worker").get(reverse("briefings:detail", args=[published.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for heading in (
        "1. Background",
        "2. Why it matters",
        "3. What happened",
        "4. What we learned",
        "5. What to do differently",
        "6. Questions for reflection",
        "7. Further reading",
    ):
        assert heading in page
    assert page.index("1. Background") < page.index("7. Further reading")
    assert "Practitioner newsletter, spring 2023" in page
    assert reverse("briefings:pdf", args=[published.pk]) in page
    # A reader gets no writing links.
    assert reverse("briefings:edit", args=[published.pk]) not in page
    assert reverse("briefings:share", args=[published.pk]) not in page
    # The source is named by its code and links to the review for those who may see reviews.
    assert "Case review W14" in page

    page = (
        personas.client("bu_officer").get(reverse("briefings:detail", args=[published.pk])).content.decode()
    )
    assert reverse("reviews:detail", args=["W14"]) in page
    assert reverse("briefings:edit", args=[published.pk]) in page
    assert reverse("briefings:share", args=[published.pk]) in page
    assert reverse("briefings:publish", args=[published.pk]) not in page  # already published


def test_section_text_is_escaped_and_addresses_are_links(personas: Personas) -> None:
    briefing = make_briefing(
        personas.bu_officer,
        published_on=date(2023, 3, 1),
        further_reading="Protocol: https://example.org/bruising\n<script>alert(1)</script>",
    )
    page = personas.client("a_worker").get(reverse("briefings:detail", args=[briefing.pk])).content.decode()
    assert '<a class="govuk-link" href="https://example.org/bruising" rel="nofollow">' in page
    assert "<br>&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def test_drafts_are_404_to_readers_and_visible_to_writers(
    personas: Personas, draft: Briefing, outsider: Client
) -> None:
    for name in ("detail", "pdf"):
        url = reverse(f"briefings:{name}", args=[draft.pk])
        assert personas.client("a_worker").get(url).status_code == 404
        assert personas.client("a_readonly").get(url).status_code == 404
        assert outsider.get(url).status_code == 403
    page = personas.client("bu_officer").get(reverse("briefings:detail", args=[draft.pk])).content.decode()
    assert "Draft" in page
    assert reverse("briefings:publish", args=[draft.pk]) in page


def test_published_detail_and_pdf_are_403_without_learning_view(
    published: Briefing, outsider: Client
) -> None:
    assert outsider.get(reverse("briefings:detail", args=[published.pk])).status_code == 403
    assert outsider.get(reverse("briefings:pdf", args=[published.pk])).status_code == 403


def test_case_reviewer_sees_review_drafts_but_not_audit_drafts(personas: Personas, draft: Briefing) -> None:
    reviewer = sign_in(Client(), make_user("case_reviewer", personas.business_unit))
    review_draft = make_briefing(personas.bu_officer, source_ref="W14")
    assert reviewer.get(reverse("briefings:detail", args=[review_draft.pk])).status_code == 200
    assert reviewer.get(reverse("briefings:detail", args=[draft.pk])).status_code == 404
    assert reviewer.get(reverse("briefings:edit", args=[review_draft.pk])).status_code == 200
    assert reviewer.get(reverse("briefings:edit", args=[draft.pk])).status_code == 404


# --- Writing ----------------------------------------------------------------------------------------------


def test_writing_pages_are_403_for_readers(
    personas: Personas, published: Briefing, draft: Briefing, outsider: Client
) -> None:
    urls = [reverse("briefings:create")]
    for briefing in (published, draft):
        urls += [
            reverse("briefings:edit", args=[briefing.pk]),
            reverse("briefings:publish", args=[briefing.pk]),
            reverse("briefings:share", args=[briefing.pk]),
        ]
    for client in (personas.client("a_worker"), personas.client("a_readonly"), outsider):
        for url in urls:
            assert client.get(url).status_code == 403, url
            assert client.post(url, _form_data()).status_code == 403, url
    assert Briefing.objects.count() == 2
    assert not BriefingShare.objects.exists()


def test_create_prefills_from_the_review_page_and_saves_a_draft(personas: Personas) -> None:
    client = personas.client("bu_officer")
    url = reverse("briefings:create")
    response = client.get(url, {"source_kind": "case_review", "source_ref": "w14"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="W14"' in page
    assert '<option value="case_review" selected>' in page
    assert 'data-module="govuk-character-count"' in page
    assert f'data-maxlength="{SECTIONS_BY_NAME["background"].max_length}"' in page

    response = client.post(url, _form_data(source_kind="case_review", source_ref="w14"))
    briefing = Briefing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("briefings:detail", args=[briefing.pk])
    assert briefing.source_ref == "W14" and briefing.status == Briefing.Status.DRAFT
    assert briefing.created_by == personas.bu_officer

    # Coming from the review page again goes to the briefing that exists.
    response = client.get(url, {"source_kind": "case_review", "source_ref": "W14"})
    assert response.status_code == 302
    assert response["Location"] == reverse("briefings:detail", args=[briefing.pk])


def test_create_checks_the_review_exists_and_loses_nothing(personas: Personas) -> None:
    client = personas.client("bu_officer")
    response = client.post(
        reverse("briefings:create"),
        _form_data(source_kind="case_review", source_ref="W99", what_happened="A careful account"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is no case review W99 that you can see" in page
    assert "govuk-error-summary" in page
    assert "A careful account" in page
    assert not Briefing.objects.exists()


def test_create_shows_errors_beside_fields(personas: Personas) -> None:
    client = personas.client("bu_officer")
    limit = SECTIONS_BY_NAME["background"].max_length
    response = client.post(
        reverse("briefings:create"),
        _form_data(
            source_kind="other", source_ref="Jo Bloggs", background="x" * (limit + 1), why_it_matters=""
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Background must be {limit} characters or fewer" in page
    assert "Enter the why it matters" in page
    assert 'href="#id_background"' in page
    assert not Briefing.objects.exists()
    response = client.post(
        reverse("briefings:create"), _form_data(source_kind="other", source_ref="Jo Bloggs")
    )
    assert "never a name" in response.content.decode()
    assert not Briefing.objects.exists()


def test_case_reviewer_may_only_write_about_reviews(personas: Personas) -> None:
    reviewer = sign_in(Client(), make_user("case_reviewer", personas.business_unit))
    page = reviewer.get(reverse("briefings:create")).content.decode()
    assert 'value="case_review"' in page and 'value="audit"' not in page
    response = reviewer.post(reverse("briefings:create"), _form_data(source_kind="audit", source_ref="MAA-1"))
    assert response.status_code == 200
    assert "Select from the list" in response.content.decode()
    response = reviewer.post(
        reverse("briefings:create"), _form_data(source_kind="case_review", source_ref="W14")
    )
    assert response.status_code == 302
    assert Briefing.objects.get().source_kind == Briefing.SourceKind.CASE_REVIEW


def test_edit(personas: Personas, draft: Briefing) -> None:
    client = personas.client("bu_officer")
    url = reverse("briefings:edit", args=[draft.pk])
    page = client.get(url).content.decode()
    assert draft.title in page and SECTION_TEXTS["why_it_matters"] in page
    response = client.post(
        url, _form_data(title="Neglect: seeing the child", further_reading="Neglect toolkit")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Neglect: seeing the child"
    assert draft.further_reading == "Neglect toolkit"
    assert draft.source_ref == "MAA-2023-Q1"


def test_publish(personas: Personas, draft: Briefing) -> None:
    client = personas.client("bu_officer")
    url = reverse("briefings:publish", args=[draft.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _date("published_on", date(2099, 1, 1)))
    assert "cannot be in the future" in response.content.decode()
    response = client.post(url, _date("published_on", date(2023, 3, 1)))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_published and draft.published_on == date(2023, 3, 1)
    # Now the agency lead reads it.
    assert personas.client("a_worker").get(reverse("briefings:detail", args=[draft.pk])).status_code == 200


def test_record_a_share(personas: Personas, published: Briefing, draft: Briefing) -> None:
    client = personas.client("bu_officer")
    url = reverse("briefings:share", args=[published.pk])
    assert client.get(url).status_code == 200
    data = {
        "channel": "newsletter",
        "detail": "Practitioner newsletter, spring 2023",
        **_date("shared_on", date(2023, 4, 3)),
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"].endswith("#shared")
    share = BriefingShare.objects.get()
    assert share.briefing == published and share.recorded_by == personas.bu_officer
    page = client.get(reverse("briefings:detail", args=[published.pk])).content.decode()
    assert "Practitioner newsletter, spring 2023" in page and "3 April 2023" in page

    # A draft cannot be shared yet: the message shows and nothing is recorded.
    response = client.post(reverse("briefings:share", args=[draft.pk]), data)
    assert response.status_code == 200
    assert "Publish the briefing before recording where it was shared" in response.content.decode()
    assert BriefingShare.objects.count() == 1


def test_list_page_queries_do_not_grow_with_briefings(personas: Personas) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = personas.client("bu_officer")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("briefings:home")).status_code == 200
        return len(captured)

    make_briefing(personas.bu_officer, source_kind="other", source_ref="X1", published_on=date(2023, 1, 2))
    make_briefing(personas.bu_officer, source_kind="other", source_ref="D1")
    few = queries()
    for n in range(2, 7):
        make_briefing(
            personas.bu_officer, source_kind="other", source_ref=f"X{n}", published_on=date(2023, 1, 2)
        )
        make_briefing(personas.bu_officer, source_kind="other", source_ref=f"D{n}")
    assert queries() == few
