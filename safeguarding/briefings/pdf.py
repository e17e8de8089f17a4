"""The one-page PDF of a briefing, printed by WeasyPrint from briefings/print.html and briefings/print.css.

WeasyPrint needs Pango and its friends from the operating system; where they cannot be loaded,
`briefing_pdf` raises PdfUnavailable and the view answers 503 with a page that says so.

The section maximum lengths (models.SECTIONS) are chosen so a full briefing prints on one page at the normal
type size. A briefing that still runs over (an unusual font on the server, very long words) is printed again a
step smaller, down to FONT_SIZES[-1], so the result is one page whenever it can be.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from safeguarding.briefings.models import Briefing

# Body type sizes in points, largest first.
FONT_SIZES = (9.0, 8.5, 8.0, 7.5, 7.0)


class PdfUnavailable(RuntimeError):
    """WeasyPrint (or the system libraries it needs) cannot be loaded on this server."""


def _weasyprint() -> Any:
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: Pango, HarfBuzz or fontconfig is missing
        raise PdfUnavailable(str(error)) from error
    return weasyprint


def _fetch_nothing(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The print page needs no images, fonts or stylesheets from anywhere (fonts come from the system), so
    # WeasyPrint is never allowed to fetch a URL or read a file on the server's behalf.
    raise ValueError(f"The briefing PDF does not fetch {url}")


def briefing_print_html(briefing: Briefing) -> str:
    """The HTML the PDF is printed from: the code, the title and the seven sections; never a person."""
    return render_to_string(
        "briefings/print.html",
        {"briefing": briefing, "partnership_name": settings.PARTNERSHIP_NAME},
    )


def briefing_document(briefing: Briefing, *, font_size: float = FONT_SIZES[0]) -> Any:
    """The laid-out WeasyPrint document (its .pages can be counted) at one body type size."""
    weasyprint = _weasyprint()
    css = render_to_string("briefings/print.css", {"font_size": font_size})
    try:
        html = weasyprint.HTML(string=briefing_print_html(briefing), url_fetcher=_fetch_nothing)
        return html.render(stylesheets=[weasyprint.CSS(string=css)])
    except OSError as error:  # a library that loads lazily on first use
        raise PdfUnavailable(str(error)) from error


def document_fits_one_page(document: Any) -> bool:
    """True when the document is one page and no text runs past the bottom of the page's content area.

    Counting pages is not enough: when two balanced columns cannot hold their text, WeasyPrint may let the
    last lines run into the bottom margin rather than start a new page.
    """
    if len(document.pages) != 1:
        return False
    page = getattr(document.pages[0], "_page_box", None)
    if page is None:  # a WeasyPrint without the page box: trust the page count
        return True
    bottom = page.height - page.margin_bottom
    for child in page.children:
        if type(child).__name__ == "MarginBox":  # the running footer lives in the margin, by design
            continue
        for box in child.descendants():
            if box.__class__.__name__ == "TextBox" and box.position_y + box.height > bottom + 0.5:
                return False
    return True


def briefing_pdf(briefing: Briefing) -> bytes:
    """The briefing as a PDF, on one A4 page at the largest type size that fits."""
    document = None
    for size in FONT_SIZES:
        document = briefing_document(briefing, font_size=size)
        if document_fits_one_page(document):
            break
    assert document is not None
    return bytes(document.write_pdf())


def briefing_pdf_filename(briefing: Briefing) -> str:
    """ "7-minute-briefing-W14.pdf": named by the source's code only."""
    safe = "".join(ch if ch.isalnum() or ch == "-" else "-" for ch in briefing.source_ref)
    return f"7-minute-briefing-{safe}.pdf"
