"""Review recommendations and their actions (issue 6, section 4): numbering and themes, the action each one
puts in the shared tracker (source "W14/R2"), who may add them, and the review page's Recommendations
section."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from safeguarding.actions.models import Action
from safeguarding.actions.selectors import actions_visible_to
from safeguarding.core.testing import Personas, date_post, make_personas, make_user, sign_in
from safeguarding.reviews import services
from safeguarding.reviews.models import CaseReview, Recommendation

pytestmark = pytest.mark.django_db


@pytest.fixture
def personas() -> Personas:
    return make_personas()


def _refer(personas: Personas, code: str = "W14") -> CaseReview:
    return services.review_refer(
        actor=personas.bu_officer,
        code=code,
        kind=CaseReview.Kind.NOTIFIABLE_INCIDENT,
        subject_type=CaseReview.SubjectType.CHILD,
        aware_date=date(2022, 9, 14),
        referred_by_agency=personas.agency_a,
    )


def _recommend(personas: Personas, review: CaseReview, text: str, themes: list[str]) -> Recommendation:
    return services.recommendation_add(review=review, actor=personas.bu_officer, text=text, themes=themes)


# --- Services -----------------------------------------------------------------------------------------------


def test_recommendations_are_numbered_within_their_review(personas: Personas) -> None:
    w14, w15 = _refer(personas, "W14"), _refer(personas, "W15")
    first = _recommend(
        personas, w14, "  Health visitors ask about men in the household  ", ["working_with_fathers"]
    )
    second = _recommend(
        personas, w14, "Share concerns about bruising", ["non_mobile_injuries", "information_sharing"]
    )
    other = _recommend(personas, w15, "Neglect toolkit refresher", ["neglect"])
    assert (first.number, second.number, other.number) == (1, 2, 1)
    assert first.text == "Health visitors ask about men in the household"
    assert second.theme_labels == ["Injuries in non-mobile babies", "Information sharing"]
    assert str(second) == "W14 R2" and second.source_ref == "W14/R2"
    assert first.created_by == personas.bu_officer


def test_recommendation_needs_text_and_known_themes(personas: Personas) -> None:
    review = _refer(personas)
    with pytest.raises(services.ReviewError) as blank:
        _recommend(personas, review, "   ", ["neglect"])
    assert blank.value.field == "text"
    with pytest.raises(services.ReviewError) as unknown:
        _recommend(personas, review, "Something", ["neglect", "astrology"])
    assert unknown.value.field == "themes" and "astrology" in str(unknown.value)
    repeated = _recommend(personas, review, "Something", ["neglect", "neglect", "think_family"])
    assert repeated.themes == ["neglect", "think_family"]
    assert repeated.number == 1  # the refused ones used no number


def test_only_review_manage_adds(personas: Personas) -> None:
    review = _refer(personas)
    recommendation = _recommend(personas, review, "Think family", ["think_family"])
    member = make_user("subgroup_member", personas.agency_b)  # review.view, not review.manage
    with pytest.raises(PermissionDenied):
        services.recommendation_add(review=review, actor=member, text="Mine", themes=[])
    with pytest.raises(PermissionDenied):
        services.recommendation_action_add(
            recommendation=recommendation,
            actor=member,
            title="Mine",
            owner_agency=personas.agency_b,
            due_date=date(2030, 1, 1),
        )
    assert Recommendation.objects.count() == 1 and not Action.objects.exists()


def test_the_action_goes_into_the_owner_agencys_tracker(personas: Personas) -> None:
    review = _refer(personas)
    _recommend(personas, review, "First", ["neglect"])
    second = _recommend(personas, review, "Professional curiosity about bruising", ["professional_curiosity"])
    action = services.recommendation_action_add(
        recommendation=second,
        actor=personas.bu_officer,
        title="Bruising protocol briefing for all GPs",
        owner_agency=personas.agency_a,
        due_date=date(2030, 3, 31),
    )
    action.refresh_from_db()
    assert action.source_kind == Action.SourceKind.REVIEW_RECOMMENDATION
    assert action.source_ref == "W14/R2"
    assert action.source_label == "Review W14, recommendation 2"
    assert action.themes == ["professional_curiosity"]  # the recommendation's, by default
    assert action.owner_agency == personas.agency_a and action.status == Action.Status.NOT_STARTED
    assert action.reference == f"ACT-{action.pk:05d}"
    # Agency A's lead (action.view at AGENCY scope) sees it; agency B's does not.
    assert list(actions_visible_to(personas.a_worker)) == [action]
    assert not actions_visible_to(personas.b_worker).exists()
    assert personas.client("a_worker").get(reverse("actions:detail", args=[action.pk])).status_code == 200
    assert personas.client("b_worker").get(reverse("actions:detail", args=[action.pk])).status_code == 404


def test_action_themes_can_be_chosen_and_title_is_needed(personas: Personas) -> None:
    recommendation = _recommend(personas, _refer(personas), "Think family", ["think_family"])
    fields: dict[str, Any] = {
        "recommendation": recommendation,
        "actor": personas.bu_officer,
        "owner_agency": personas.agency_b,
    }
    action = services.recommendation_action_add(
        **fields, title="Audit", due_date=date(2030, 1, 1), themes=["neglect"]
    )
    assert action.themes == ["neglect"]
    with pytest.raises(services.ReviewError) as blank:
        services.recommendation_action_add(**fields, title=" ", due_date=date(2030, 1, 1))
    assert blank.value.field == "title"
    assert Action.objects.count() == 1


# --- Pages --------------------------------------------------------------------------------------------------


def _recommendations_section(html: str) -> str:
    return html.split('id="recommendations"', 1)[1]


def test_review_view_sees_the_list_but_cannot_add(personas: Personas) -> None:
    review = _refer(personas)
    recommendation = _recommend(personas, review, "Ask who else lives at home", ["think_family"])
    late = services.recommendation_action_add(
        recommendation=recommendation,
        actor=personas.bu_officer,
        title="Household composition prompt",
        owner_agency=personas.agency_b,
        due_date=date(2020, 1, 31),
    )
    on_time = services.recommendation_action_add(
        recommendation=recommendation,
        actor=personas.bu_officer,
        title="Training session",
        owner_agency=personas.agency_a,
        due_date=date(2099, 1, 31),
    )
    client = sign_in(Client(), make_user("subgroup_member", personas.agency_b))
    page = client.get(reverse("reviews:detail", args=[review.code]))
    assert page.status_code == 200
    section = _recommendations_section(page.text)
    assert (
        "Recommendation 1" in section
        and "Ask who else lives at home" in section
        and "Think family" in section
    )
    assert f'href="{reverse("actions:detail", args=[late.pk])}">{late.reference}</a>' in section
    assert f'href="{reverse("actions:detail", args=[on_time.pk])}">{on_time.reference}</a>' in section
    assert "Agency B" in section and "31 January 2020" in section and "31 January 2099" in section
    assert section.count("Overdue") == 1  # the 2020 one only
    assert "Add a recommendation" not in section and "Add an action" not in section
    add = reverse("reviews:recommendation_add", args=[review.code])
    assert client.get(add).status_code == 403
    assert client.post(add, {"text": "Mine"}).status_code == 403
    action_add = reverse("reviews:recommendation_action_add", args=[review.code, 1])
    assert client.post(action_add, {"title": "Mine"}).status_code == 403
    assert Recommendation.objects.count() == 1 and Action.objects.count() == 2


def test_business_unit_adds_a_recommendation_and_an_action_through_the_forms(personas: Personas) -> None:
    review = _refer(personas)
    client = personas.client("bu_officer")
    detail = client.get(reverse("reviews:detail", args=[review.code]))
    assert "No recommendations recorded yet" in detail.text and "Add a recommendation" in detail.text
    add = reverse("reviews:recommendation_add", args=[review.code])
    assert client.get(add).status_code == 200
    blank = client.post(add, {"text": "", "themes": ["neglect"]})
    assert blank.status_code == 200 and "Enter the recommendation" in blank.text
    assert 'value="neglect" checked' in blank.text  # what was ticked stays ticked
    assert not Recommendation.objects.exists()
    agreed = {"agreed_on_0": "3", "agreed_on_1": "2", "agreed_on_2": "2023"}
    done = client.post(
        add, {"text": "Escalate neglect earlier", "themes": ["neglect", "think_family"], **agreed}
    )
    assert done.status_code == 302
    recommendation = Recommendation.objects.get()
    assert (recommendation.number, recommendation.themes) == (1, ["neglect", "think_family"])
    assert recommendation.agreed_on == date(2023, 2, 3)

    action_add = reverse("reviews:recommendation_action_add", args=[review.code, 1])
    assert client.get(action_add).status_code == 200
    data = {
        "title": "Neglect toolkit refresher",
        "owner_agency": str(personas.agency_b.pk),
        **date_post("due_date", date(2030, 6, 30)),
    }
    missing = client.post(action_add, {**data, "owner_agency": ""})
    assert missing.status_code == 200 and "Select the agency" in missing.text
    assert 'value="Neglect toolkit refresher"' in missing.text  # what was typed is kept
    saved = client.post(action_add, data)
    assert saved.status_code == 302
    action = Action.objects.get()
    assert (action.source_ref, action.owner_agency, action.due_date) == (
        "W14/R1",
        personas.agency_b,
        date(2030, 6, 30),
    )
    assert action.themes == ["neglect", "think_family"]  # none ticked: the recommendation's
    page = client.get(reverse("reviews:detail", args=[review.code]))
    assert action.reference in _recommendations_section(page.text)
    assert client.get(reverse("reviews:recommendation_action_add", args=[review.code, 2])).status_code == 404
