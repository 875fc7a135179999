"""A post-mortem as PDF: WeasyPrint draws the standalone HTML, with its fonts embedded.

WeasyPrint is given a fetcher that refuses every URL that is not ``data:``: the HTML names
none, and should a document ever name one (a stylesheet, an image, a font), nothing is fetched
from the network or the disk. WeasyPrint is imported when a PDF is made, never at import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when a PDF is made (it loads Pango through cffi)
    from weasyprint.urls import URLFetcherResponse


def _data_only_fetcher() -> Any:
    """A WeasyPrint URL fetcher that answers ``data:`` URLs and refuses every other one."""
    from weasyprint.urls import URLFetcher

    class DataOnly(URLFetcher):  # type: ignore[misc]
        """Refuses http(s), file, ftp and every scheme but data:, and records what it refused."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data"}, allow_redirects=False)
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if not url.lower().startswith("data:"):
                self.refused.append(url)
                raise ValueError(f"refused to fetch {url!r}: an export loads nothing")
            response: URLFetcherResponse = super().fetch(url, headers)
            return response

    return DataOnly()


def rendered_pdf(html: str) -> tuple[bytes, list[str]]:
    """The PDF of a standalone HTML document (A4, page numbers, fonts embedded) and the URLs
    it named that were refused (none, for an export)."""
    from weasyprint import HTML

    fetcher = _data_only_fetcher()
    document = HTML(string=html, base_url=None, url_fetcher=fetcher, media_type="print")
    data: bytes = document.write_pdf()
    refused: list[str] = fetcher.refused
    return data, refused


def pdf_bytes(html: str) -> bytes:
    """The PDF of a standalone HTML document."""
    return rendered_pdf(html)[0]
