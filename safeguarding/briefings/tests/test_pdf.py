"""The one-page PDF: a real PDF, one A4 page even with every section at its maximum, named and labelled by
the code only, and a clear 503 when WeasyPrint cannot be loaded."""

from __future__ import annotations

import sys
from datetime import date

import pytest
from django.urls import reverse

from safeguarding.briefings.models import SECTIONS, Briefing
from safeguarding.briefings.pdf import FONT_SIZES, briefing_document, briefing_pdf, document_fits_one_page
from safeguarding.briefings.tests.helpers import (
    SECRET_NAME,
    full_texts,
    laid_out_text,
    make_briefing,
    make_review,
    pdf_chunks,
    pdf_page_count,
    text_of_length,
)
from safeguarding.core.testing import Personas, make_personas

pytestmark = pytest.mark.django_db

A4_POINTS = (595, 842)  # 210 mm x 297 mm


@pytest.fixture
def personas() -> Personas:
    personas = make_personas()
    make_review(personas)
    return personas


def _full(personas: Personas, *, lines: int = 1, texts: dict[str, str] | None = None) -> Briefing:
    return make_briefing(
        personas.bu_officer,
        title=text_of_length(100),
        published_on=date(2023, 3, 1),
        **{**full_texts(lines=lines), **(texts or {})},
    )


def test_pdf_view_answers_a_real_pdf_named_by_the_code(personas: Personas) -> None:
    briefing = make_briefing(personas.bu_officer, published_on=date(2023, 3, 1))
    response = personas.client("a_worker").get(reverse("briefings:pdf", args=[briefing.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="7-minute-briefing-W14.pdf"'
    assert response.content.startswith(b"%PDF")
    assert pdf_page_count(response.content) == 1


@pytest.mark.parametrize("lines", [1, 8], ids=["prose", "eight-lines-each"])
def test_every_section_at_its_maximum_fits_one_page_at_the_normal_size(
    personas: Personas, lines: int
) -> None:
    briefing = _full(personas, lines=lines)
    for section in SECTIONS:
        assert len(getattr(briefing, section.name)) == section.max_length
    # At the normal type size, without needing the smaller fallbacks, and nothing runs into the margin.
    document = briefing_document(briefing, font_size=FONT_SIZES[0])
    assert len(document.pages) == 1
    assert document_fits_one_page(document)
    page = document.pages[0]
    assert (round(page.width * 0.75), round(page.height * 0.75)) == A4_POINTS  # CSS px -> pt
    # And the PDF the view sends says so.
    response = personas.client("a_worker").get(reverse("briefings:pdf", args=[briefing.pk]))
    assert response.content.startswith(b"%PDF")
    assert pdf_page_count(response.content) == 1


def test_text_that_is_hard_to_fit_still_prints_on_one_page(personas: Personas) -> None:
    # Capital W is the widest letter: at the maximum length with every line used, this runs over at the
    # normal size, and the PDF steps the type down until it fits.
    shouting = "\n".join(["WWWWWWW " * 6] * 8)
    texts = {section.name: shouting[: section.max_length].strip() for section in SECTIONS}
    briefing = _full(personas, texts=texts)
    assert not document_fits_one_page(briefing_document(briefing, font_size=FONT_SIZES[0]))
    assert any(document_fits_one_page(briefing_document(briefing, font_size=size)) for size in FONT_SIZES)
    assert pdf_page_count(briefing_pdf(briefing)) == 1


def test_pdf_carries_the_code_and_never_an_identity(personas: Personas) -> None:
    briefing = make_briefing(personas.bu_officer, published_on=date(2023, 3, 1))
    document = briefing_document(briefing)
    text = laid_out_text(document)
    assert "W14" in text
    assert "Case review W14" in text
    assert briefing.title in text
    for section in SECTIONS:
        assert section.title in text
    # Not who the review is about, nor who wrote the briefing.
    assert SECRET_NAME not in text
    assert personas.bu_officer.full_name not in text
    response = personas.client("a_worker").get(reverse("briefings:pdf", args=[briefing.pk]))
    for chunk in pdf_chunks(response.content):  # metadata, objects and page streams, inflated
        assert SECRET_NAME.encode() not in chunk
        assert personas.bu_officer.full_name.encode() not in chunk
        assert personas.bu_officer.email.encode() not in chunk
    assert any(b"W14" in chunk for chunk in pdf_chunks(response.content))


def test_draft_pdf_says_it_is_a_draft(personas: Personas) -> None:
    briefing = make_briefing(personas.bu_officer)
    assert "DRAFT" in laid_out_text(briefing_document(briefing))
    response = personas.client("bu_officer").get(reverse("briefings:pdf", args=[briefing.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_pdf_answers_503_when_weasyprint_cannot_load(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    briefing = make_briefing(personas.bu_officer, published_on=date(2023, 3, 1))
    # As on a server without Pango: importing weasyprint fails.
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    response = personas.client("a_worker").get(reverse("briefings:pdf", args=[briefing.pk]))
    assert response.status_code == 503
    page = response.content.decode()
    assert "The PDF cannot be made at the moment" in page
    assert reverse("briefings:detail", args=[briefing.pk]) in page
