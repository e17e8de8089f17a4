"""The kinds of journey record the child's page adds and corrects, and where each hangs.

A kind is named in URLs by its slug. Records of a top-level kind belong to the child; the others belong to a
record of their parent kind (an assessment to a CIN episode, a review to a plan). `child_path` is the ORM path
from the record to its child, so a record is always read through the child the person may see.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from safeguarding.children import forms
from safeguarding.children.models import (
    Assessment,
    ChildProtectionPlan,
    CINPlan,
    CINReferral,
    CPReview,
    EarlyHelpRequest,
    EarlyHelpReview,
    ExploitationScreening,
    LookedAfterPeriod,
    MissingEpisode,
    Placement,
    Section47,
)


@dataclass(frozen=True)
class Kind:
    slug: str
    model: type[models.Model]
    form: type[forms.JourneyForm]
    # As the page says it: "Add an assessment", "Correct the assessment".
    noun: str
    article: str = "a"
    parent: str | None = None
    parent_field: str = "child"
    child_path: str = "child"


KINDS: dict[str, Kind] = {
    kind.slug: kind
    for kind in (
        Kind("cin-episode", CINReferral, forms.CINEpisodeForm, "CIN episode (referral)"),
        Kind(
            "assessment",
            Assessment,
            forms.AssessmentForm,
            "assessment",
            "an",
            "cin-episode",
            "episode",
            "episode__child",
        ),
        Kind(
            "cin-plan",
            CINPlan,
            forms.CINPlanForm,
            "child in need plan",
            "a",
            "cin-episode",
            "episode",
            "episode__child",
        ),
        Kind(
            "section-47",
            Section47,
            forms.Section47Form,
            "section 47 enquiry",
            "a",
            "cin-episode",
            "episode",
            "episode__child",
        ),
        Kind(
            "cp-plan",
            ChildProtectionPlan,
            forms.ChildProtectionPlanForm,
            "child protection plan",
            "a",
            "cin-episode",
            "episode",
            "episode__child",
        ),
        Kind(
            "cp-review",
            CPReview,
            forms.CPReviewForm,
            "review conference",
            "a",
            "cp-plan",
            "plan",
            "plan__episode__child",
        ),
        Kind("early-help", EarlyHelpRequest, forms.EarlyHelpForm, "early help episode", "an"),
        Kind(
            "early-help-review",
            EarlyHelpReview,
            forms.EarlyHelpReviewForm,
            "early help review",
            "an",
            "early-help",
            "episode",
            "episode__child",
        ),
        Kind("looked-after", LookedAfterPeriod, forms.LookedAfterForm, "period of care"),
        Kind(
            "placement",
            Placement,
            forms.PlacementForm,
            "placement",
            "a",
            "looked-after",
            "period",
            "period__child",
        ),
        Kind("missing", MissingEpisode, forms.MissingEpisodeForm, "missing episode"),
        Kind(
            "exploitation",
            ExploitationScreening,
            forms.ExploitationScreeningForm,
            "exploitation screening",
            "an",
        ),
    )
}

# The kinds added straight onto the child, in the order the page offers them.
TOP_LEVEL = [slug for slug, kind in KINDS.items() if kind.parent is None]
