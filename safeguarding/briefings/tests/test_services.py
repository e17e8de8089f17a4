"""Briefing services and selectors: what they write, what they refuse, and who sees what."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.briefings import services
from safeguarding.briefings.models import SECTION_MAX_LINES, SECTIONS_BY_NAME, Briefing, BriefingShare
from safeguarding.briefings.selectors import (
    briefing_for_source,
    briefing_get_for_user,
    briefing_may_write,
    briefings_visible_to,
)
from safeguarding.briefings.tests.helpers import SECTION_TEXTS, make_audit_rounds, make_briefing, make_review
from safeguarding.core.testing import Personas, make_personas, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def personas() -> Personas:
    personas = make_personas()
    make_review(personas)
    make_audit_rounds(personas, "MAA-2023-Q1", "MAA-2023-Q2", "MAA-1")
    return personas


@pytest.fixture
def case_reviewer(personas: Personas) -> User:
    return make_user("case_reviewer", personas.business_unit, full_name="Cai Reviewer")


@pytest.fixture
def young_person(personas: Personas) -> User:
    # No learning.view: the young people's representative role only reads reports.
    return make_user("young_peoples_representative", personas.agency_a)


# --- Writing ----------------------------------------------------------------------------------------------


def test_create_writes_a_tidy_draft_with_history(personas: Personas) -> None:
    briefing = make_briefing(personas.bu_officer, source_ref=" w14 ")
    assert briefing.status == Briefing.Status.DRAFT
    assert briefing.published_on is None
    assert briefing.source_ref == "W14"
    assert briefing.source_label == "Case review W14"
    assert briefing.created_by == personas.bu_officer
    # Lines trimmed, blank lines dropped.
    assert briefing.what_we_learned == "Professional curiosity matters.\nShare information early."
    assert briefing.further_reading == ""
    assert briefing.history.count() == 1
    assert [n for n, _, _ in briefing.sections()] == [1, 2, 3, 4, 5, 6, 7]


def test_audit_briefing_needs_an_existing_round(personas: Personas) -> None:
    with pytest.raises(services.BriefingError) as error:
        make_briefing(personas.bu_officer, source_kind=Briefing.SourceKind.AUDIT, source_ref="MAA-2019-Q9")
    assert error.value.field == "source_ref"
    assert "no audit round MAA-2019-Q9" in str(error.value)
    assert not Briefing.objects.exists()


def test_audit_and_other_briefings_need_no_case_review(personas: Personas) -> None:
    audit = make_briefing(
        personas.bu_officer, source_kind=Briefing.SourceKind.AUDIT, source_ref="maa-2023-q2"
    )
    assert audit.source_ref == "MAA-2023-Q2"
    assert audit.source_label == "Multi-agency audit MAA-2023-Q2"
    other = make_briefing(personas.bu_officer, source_kind=Briefing.SourceKind.OTHER, source_ref="W14")
    assert other.pk != audit.pk


def test_case_review_briefing_needs_an_existing_review(personas: Personas) -> None:
    with pytest.raises(services.BriefingError) as error:
        make_briefing(personas.bu_officer, source_ref="W99")
    assert error.value.field == "source_ref"
    assert "no case review W99" in str(error.value)
    assert not Briefing.objects.exists()


@pytest.mark.parametrize("ref", ["Zephyrine Testcase", "W 14", "", "-W14", "A" * 21])
def test_source_ref_must_be_a_code_never_a_name(personas: Personas, ref: str) -> None:
    with pytest.raises(services.BriefingError) as error:
        make_briefing(personas.bu_officer, source_kind=Briefing.SourceKind.OTHER, source_ref=ref)
    assert error.value.field == "source_ref"


def test_unknown_source_kind_refused(personas: Personas) -> None:
    with pytest.raises(services.BriefingError) as error:
        make_briefing(personas.bu_officer, source_kind="rumour")
    assert error.value.field == "source_kind"


def test_one_briefing_per_source(personas: Personas) -> None:
    make_briefing(personas.bu_officer)
    with pytest.raises(services.BriefingError) as error:
        make_briefing(personas.bu_officer, source_ref="w14")
    assert error.value.field == "source_ref"
    assert "already a briefing for case review W14" in str(error.value)
    assert Briefing.objects.count() == 1


def test_section_limits(personas: Personas) -> None:
    limit = SECTIONS_BY_NAME["what_happened"].max_length
    with pytest.raises(services.BriefingError) as error:
        make_briefing(personas.bu_officer, what_happened="x" * (limit + 1))
    assert error.value.field == "what_happened"
    assert f"{limit} characters or fewer" in str(error.value)
    too_many_lines = "\n".join(f"Question {n}?" for n in range(SECTION_MAX_LINES + 1))
    with pytest.raises(services.BriefingError) as error:
        make_briefing(personas.bu_officer, questions_for_reflection=too_many_lines)
    assert error.value.field == "questions_for_reflection"
    with pytest.raises(services.BriefingError) as error:
        make_briefing(personas.bu_officer, background="   \n  ")
    assert error.value.field == "background"
    with pytest.raises(services.BriefingError) as error:
        make_briefing(personas.bu_officer, title="  ")
    assert error.value.field == "title"
    assert not Briefing.objects.exists()
    # At the limits exactly is fine.
    exact = make_briefing(
        personas.bu_officer,
        what_happened="x" * limit,
        questions_for_reflection="\n".join(f"Q{n}?" for n in range(SECTION_MAX_LINES)),
    )
    assert len(exact.what_happened) == limit


def test_who_may_write(personas: Personas, case_reviewer: User, young_person: User) -> None:
    for reader in (personas.a_worker, personas.a_readonly, young_person, personas.sysadmin):
        with pytest.raises(PermissionDenied):
            make_briefing(reader)
    # review.manage writes briefings about case reviews only.
    assert make_briefing(case_reviewer).created_by == case_reviewer
    with pytest.raises(PermissionDenied):
        make_briefing(case_reviewer, source_kind=Briefing.SourceKind.AUDIT, source_ref="MAA-2023-Q1")
    assert briefing_may_write(personas.bu_manager, Briefing.SourceKind.AUDIT)
    assert not briefing_may_write(personas.a_worker, Briefing.SourceKind.CASE_REVIEW)


def test_update_changes_sections_and_keeps_history(personas: Personas) -> None:
    briefing = make_briefing(personas.bu_officer)
    services.briefing_update(
        actor=personas.bu_officer,
        briefing=briefing,
        title="Bruising protocol",
        further_reading="The partnership's bruising protocol",
    )
    briefing.refresh_from_db()
    assert briefing.title == "Bruising protocol"
    assert briefing.further_reading == "The partnership's bruising protocol"
    assert briefing.history.count() == 2
    # Nothing changed: no new version.
    services.briefing_update(actor=personas.bu_officer, briefing=briefing, title="Bruising protocol")
    assert briefing.history.count() == 2


def test_update_refusals(personas: Personas) -> None:
    briefing = make_briefing(personas.bu_officer)
    with pytest.raises(TypeError):
        services.briefing_update(actor=personas.bu_officer, briefing=briefing, source_ref="W15")
    with pytest.raises(PermissionDenied):
        services.briefing_update(actor=personas.a_worker, briefing=briefing, title="Changed")
    with pytest.raises(services.BriefingError) as error:
        services.briefing_update(
            actor=personas.bu_officer, briefing=briefing, title="New", background="x" * 5000
        )
    assert error.value.field == "background"
    briefing.refresh_from_db()
    assert briefing.title == "Bruising in babies who are not yet mobile"  # the whole update was refused


def test_publish(personas: Personas) -> None:
    briefing = make_briefing(personas.bu_officer)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(services.BriefingError) as error:
        services.briefing_publish(actor=personas.bu_officer, briefing=briefing, published_on=tomorrow)
    assert error.value.field == "published_on"
    with pytest.raises(PermissionDenied):
        services.briefing_publish(actor=personas.a_worker, briefing=briefing, published_on=date(2023, 3, 1))
    services.briefing_publish(actor=personas.bu_officer, briefing=briefing, published_on=date(2023, 3, 1))
    briefing.refresh_from_db()
    assert briefing.is_published and briefing.published_on == date(2023, 3, 1)
    with pytest.raises(services.BriefingError, match="already published on 1 March 2023"):
        services.briefing_publish(actor=personas.bu_officer, briefing=briefing, published_on=date(2023, 3, 2))


def test_share_record(personas: Personas) -> None:
    briefing = make_briefing(personas.bu_officer)

    def share(**extra: object) -> BriefingShare:
        fields: dict[str, object] = {
            "channel": BriefingShare.Channel.NEWSLETTER,
            "detail": "Practitioner newsletter, spring 2023",
            "shared_on": date(2023, 4, 3),
        }
        fields.update(extra)
        return services.briefing_share_record(actor=personas.bu_officer, briefing=briefing, **fields)  # type: ignore[arg-type]

    with pytest.raises(services.BriefingError, match="Publish the briefing before"):
        share()
    services.briefing_publish(actor=personas.bu_officer, briefing=briefing, published_on=date(2023, 3, 1))
    refusals: list[tuple[dict[str, object], str]] = [
        ({"shared_on": timezone.localdate() + timedelta(days=1)}, "shared_on"),
        ({"shared_on": date(2023, 2, 28)}, "shared_on"),
        ({"channel": "carrier_pigeon"}, "channel"),
        ({"detail": "  "}, "detail"),
        ({"detail": "x" * 201}, "detail"),
    ]
    for extra, field in refusals:
        with pytest.raises(services.BriefingError) as error:
            share(**extra)
        assert error.value.field == field, extra
    with pytest.raises(PermissionDenied):
        services.briefing_share_record(
            actor=personas.a_worker,
            briefing=briefing,
            channel=BriefingShare.Channel.EVENT,
            detail="Team meeting",
            shared_on=date(2023, 4, 3),
        )
    recorded = share()
    share(channel=BriefingShare.Channel.EVENT, detail="Learning event, May 2023", shared_on=date(2023, 5, 10))
    assert recorded.recorded_by == personas.bu_officer
    assert [s.detail for s in briefing.shares.all()] == [
        "Learning event, May 2023",
        "Practitioner newsletter, spring 2023",
    ]


# --- Reading ----------------------------------------------------------------------------------------------


def test_who_sees_what(personas: Personas, case_reviewer: User, young_person: User) -> None:
    make_review(personas, "W15")
    published = make_briefing(personas.bu_officer, published_on=date(2023, 3, 1))
    review_draft = make_briefing(personas.bu_officer, source_ref="W15")
    audit_draft = make_briefing(
        personas.bu_officer, source_kind=Briefing.SourceKind.AUDIT, source_ref="MAA-2023-Q1"
    )
    everything = {published, review_draft, audit_draft}
    assert set(briefings_visible_to(personas.bu_officer)) == everything
    assert set(briefings_visible_to(personas.bu_manager)) == everything
    assert set(briefings_visible_to(personas.a_worker)) == {published}
    assert set(briefings_visible_to(personas.a_readonly)) == {published}
    assert set(briefings_visible_to(case_reviewer)) == {published, review_draft}
    assert not briefings_visible_to(young_person).exists()
    assert not briefings_visible_to(personas.sysadmin).exists()


def test_get_for_user_and_for_source(personas: Personas, case_reviewer: User) -> None:
    from django.http import Http404

    published = make_briefing(personas.bu_officer, published_on=date(2023, 3, 1))
    draft = make_briefing(personas.bu_officer, source_kind=Briefing.SourceKind.AUDIT, source_ref="MAA-1")
    assert briefing_get_for_user(personas.a_worker, published.pk) == published
    with pytest.raises(Http404):
        briefing_get_for_user(personas.a_worker, draft.pk)
    with pytest.raises(Http404):
        briefing_get_for_user(personas.a_worker, "not-a-number")
    with pytest.raises(PermissionDenied):
        briefing_get_for_user(personas.a_worker, published.pk, for_write=True)
    with pytest.raises(PermissionDenied):
        # A case reviewer may not publish a briefing about an audit.
        services.briefing_publish(actor=case_reviewer, briefing=draft, published_on=date(2023, 3, 1))
    assert briefing_get_for_user(case_reviewer, published.pk, for_write=True) == published
    assert briefing_for_source(personas.a_worker, Briefing.SourceKind.CASE_REVIEW, "w14") == published
    assert briefing_for_source(personas.a_worker, Briefing.SourceKind.AUDIT, "MAA-1") is None
    assert briefing_for_source(personas.bu_officer, Briefing.SourceKind.AUDIT, "MAA-1") == draft
    assert briefing_for_source(personas.bu_officer, Briefing.SourceKind.CASE_REVIEW, "W99") is None


def test_section_texts_fixture_is_complete() -> None:
    assert set(SECTION_TEXTS) | {"further_reading"} == set(SECTIONS_BY_NAME)
