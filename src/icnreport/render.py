"""Render the executed appendix notebook as a self-contained HTML page and an accessible A4 PDF.

nbconvert turns the notebook's outputs, never its code, into HTML with the project template in
``templates/appendix``; WeasyPrint lays that HTML out as a tagged PDF/UA-1 document. Neither step needs a
browser, TeX or the network: every image is a data URI and any other resource is refused.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import logging
import os
import re
import secrets
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup, Tag
from nbconvert import HTMLExporter
from traitlets.config import Config

from icnreport.audiences import AUDIENCE_KEY
from icnreport.errors import IcnReportError

TEMPLATES_DIR = Path(__file__).parent / "templates"
TEMPLATE_NAME = "appendix"

#: BCP 47 language of the appendix, written to <html lang> and the PDF catalogue.
LANG = "en-GB"

#: papermill tags the notebook's default parameters and the values it injects; neither is for the committee.
PARAMETER_TAGS = frozenset({"parameters", "injected-parameters"})

#: The one representation shown for each output, best first. Scripts, widgets and LaTeX are never chosen.
DISPLAY_PRIORITY = ["text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg", "text/plain"]
IMAGE_MIMETYPES = ("image/svg+xml", "image/png", "image/jpeg")

#: ISO 14289-1: tagged PDF with title, language and ``pdfuaid:part`` = 1 in the XMP metadata.
PDF_VARIANT = "pdf/ua-1"

#: nbconvert's HTMLExporter writes this into any <img> that has no alt; it is no description at all.
NBCONVERT_PLACEHOLDER_ALT = "No description has been provided for this image"

#: Elements that would run code or pull content in from elsewhere; the appendix is static and standalone.
FORBIDDEN_ELEMENTS = ("script", "iframe", "object", "embed", "link", "base")

#: A figure as printed in a table: 1,460  -£365k  (12.5%)  <7  38pp.
_NUMBER = re.compile(r"[<>~≈]?\s*[-−+]?\s*[£$€]?\s*[-−+]?\d[\d,]*(\.\d+)?\s*(%|k|m|bn|pp)?", re.IGNORECASE)
#: GSS shorthand for a missing, suppressed or not applicable figure; they sit in numeric columns.
_SHORTHAND = frozenset({"*", "-", "–", "—", "..", "[c]", "[x]", "[z]", "[u]", "[w]", "[low]"})
#: A data URI's payload, cut from messages so they stay one readable line.
_DATA_URI = re.compile(r"data:([^,\"'\s]*),[^\"'\s)]+")


class RenderError(IcnReportError):
    """The notebook or HTML cannot be published as an appendix, for a reason the user can put right."""


@dataclass(frozen=True)
class Cover:
    """What the appendix's cover block says: whose report, to which committee, for which period."""

    area: str  # e.g. "London Borough of Bromley"
    committee: str  # e.g. "Care Services Policy Development and Scrutiny Committee"
    report_reference: str  # e.g. "CS18067"
    period_label: str  # e.g. "9 months to 30 June 2017"
    date_label: str  # date of the report, e.g. "22 November 2026"
    title: str = "Integrated Care Networks: impact on adult social care"
    classification: str = ""  # e.g. "PART ONE - PUBLIC"; on the cover and the running header when set

    def __post_init__(self) -> None:
        blank = [f.name for f in fields(self) if f.name != "classification" and not getattr(self, f.name).strip()]
        if blank:
            raise RenderError(f"the appendix cover needs a value for: {', '.join(blank)}")

    @property
    def document_title(self) -> str:
        """Title for the HTML <title> and the PDF metadata, e.g. '... - appendix to report CS18067'."""
        return f"{self.title} - appendix to report {self.report_reference}"


def for_audience(nb: nbformat.NotebookNode, audience: str) -> nbformat.NotebookNode:
    """A copy of the notebook keeping only the outputs for this audience (and those for every audience)."""
    kept = copy.deepcopy(nb)
    for cell in kept.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                o for o in cell.get("outputs", []) if o.get("metadata", {}).get(AUDIENCE_KEY, audience) == audience
            ]
    return kept


def notebook_to_html(nb: nbformat.NotebookNode, cover: Cover) -> str:
    """HTML of the appendix: outputs only (no code cells' inputs, no prompts, no cells tagged `parameters` or
    `injected-parameters`, no stderr streams), a cover block, 'Appendix' title.

    Raises RenderError if a chart has no alt text, a cell failed, or an output would run a script or fetch
    anything from outside the page.
    """
    _check_outputs(nb)
    resources = {"appendix": {"cover": cover, "lang": LANG, "document_title": cover.document_title}}
    html, _ = _appendix_exporter().from_notebook_node(nb, resources=resources)
    return _finish_html(html)


def html_to_pdf(html: str, pdf_path: Path, *, title: str, lang: str = LANG) -> Path:
    """A4 PDF/UA-1 (tagged, with title and language) from the appendix HTML, with WeasyPrint.

    The file appears at ``pdf_path`` only once complete. Raises RenderError if the HTML refers to anything
    but data URIs, or if WeasyPrint reports a fault (an image it cannot read, an image without alt text).
    """
    with warnings.catch_warnings():
        # Without libharfbuzz-subset WeasyPrint subsets fonts with fontTools and says so on import; both work.
        warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
        from weasyprint import HTML
        from weasyprint.urls import FatalURLFetchingError, URLFetcher

    if not title.strip() or not lang.strip():
        raise RenderError("an accessible PDF needs a document title and a language")
    pdf_path = Path(pdf_path)
    # Only data URIs may be fetched, and a refusal stops the render rather than leaving a hole in the page.
    fetcher = URLFetcher(allowed_protocols=("data",), fail_on_errors=True)
    page = HTML(string=html, base_url=str(TEMPLATES_DIR), url_fetcher=fetcher)
    # Checked as WeasyPrint parsed it: the page it lays out is the page checked, and it is parsed once.
    _check_self_contained(
        (_local_name(element.tag), element.attrib)
        for element in page.etree_element.iter()
        if isinstance(element.tag, str)
    )
    with _weasyprint_faults() as faults, _temporary_sibling(pdf_path) as tmp_path:
        try:
            document = page.render(pdf_variant=PDF_VARIANT)
        except FatalURLFetchingError as exc:
            raise RenderError(f"the appendix HTML refers to a resource that is not embedded: {exc}") from exc
        document.metadata.title = title
        document.metadata.lang = lang
        document.write_pdf(tmp_path, pdf_variant=PDF_VARIANT)
        if faults:
            raise RenderError(f"the appendix PDF could not be made accessible: {'; '.join(faults)}")
        os.replace(tmp_path, pdf_path)
    return pdf_path


@functools.cache
def _appendix_exporter() -> HTMLExporter:
    """nbconvert's HTML exporter set up for the committee appendix template: one a process, as its compiled
    templates are kept with it (making it again takes longer than a conversion). Each conversion gets its own
    resources; the exporter's settings never change."""
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(PARAMETER_TAGS)
    config.NbConvertBase.display_data_priority = DISPLAY_PRIORITY
    return HTMLExporter(
        config=config,
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_raw=True,
        exclude_anchor_links=True,
    )


def _check_outputs(nb: nbformat.NotebookNode) -> None:
    """Refuse a notebook whose published cells hold a failed cell or a chart without alt text."""
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code" or PARAMETER_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        where = f"cell {number} (id {cell.get('id', '?')!r})"
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                raise RenderError(f"{where} failed with {output.get('ename', 'an error')}; fix the notebook first")
            if output.output_type not in ("display_data", "execute_result"):
                continue
            for mimetype in IMAGE_MIMETYPES:
                if mimetype in output.get("data", {}) and not _alt_text(output, mimetype):
                    raise RenderError(
                        f"{where} shows an {mimetype} image without alt text; display it with "
                        "metadata={'alt': '...'} describing what the chart shows"
                    )


def _alt_text(output: nbformat.NotebookNode, mimetype: str) -> str:
    """The output's alt text, per mimetype first (as IPython.display.Image stores it), then top level."""
    metadata = output.get("metadata", {})
    alt = metadata.get(mimetype, {}).get("alt") or metadata.get("alt") or ""
    return alt.strip() if isinstance(alt, str) else ""


def _finish_html(html: str) -> str:
    """Check the rendered page is static, standalone and fully described; mark numeric table cells."""
    soup = BeautifulSoup(html, "html.parser")
    _check_self_contained((tag.name, tag.attrs) for tag in soup.find_all(True))
    for img in soup.find_all("img"):
        alt = (img.get("alt") or "").strip()
        if not alt or alt == NBCONVERT_PLACEHOLDER_ALT:
            source = _DATA_URI.sub(r"data:\1,...", img.get("src", ""))[:80]
            raise RenderError(f"an image in the notebook's markdown or HTML output has no alt text (src {source!r})")
    for table in soup.select(".cell table"):
        _mark_numeric_cells(table)
    return str(soup)


def _check_self_contained(elements: Iterable[tuple[str, Mapping[str, object]]]) -> None:
    """Refuse scripts, frames and links to resources outside the page; data URIs are fine. `elements` are
    the page's elements as (tag name, attributes), from either parser."""
    for name, attributes in elements:
        if name in FORBIDDEN_ELEMENTS:
            raise RenderError(f"the appendix HTML contains a <{name}> element; it must be static and standalone")
        source = attributes.get("src")
        if isinstance(source, str) and not source.startswith("data:"):
            raise RenderError(f"the appendix HTML refers to {source[:80]!r}; embed it as a data URI")


def _local_name(tag: str) -> str:
    """An ElementTree tag without its namespace: '{http://www.w3.org/2000/svg}script' -> 'script'."""
    return tag.rpartition("}")[2].lower()


def _mark_numeric_cells(table: Tag) -> None:
    """Add class `num` to cells holding figures, and to the header of columns that hold only figures."""
    numeric_columns: dict[int, bool] = {}
    for row in table.select("tbody tr") or table.select("tr"):
        for column, cell in enumerate(row.find_all(["th", "td"], recursive=False)):
            text = cell.get_text(" ", strip=True)
            numeric = cell.name == "td" and _is_figure(text)
            if numeric:
                cell["class"] = [*cell.get("class", []), "num"]
            if text:
                numeric_columns[column] = numeric_columns.get(column, True) and numeric
    if table.select("[colspan], [rowspan]"):
        return  # spanning cells move the column positions: leave the headings left-aligned
    for row in table.select("thead tr"):
        for column, cell in enumerate(row.find_all(["th", "td"], recursive=False)):
            if numeric_columns.get(column):
                cell["class"] = [*cell.get("class", []), "num"]


def _is_figure(text: str) -> bool:
    """Whether a table cell's text is a figure (or GSS shorthand standing in for one)."""
    return text in _SHORTHAND or bool(_NUMBER.fullmatch(text.strip("()")))


@contextlib.contextmanager
def _weasyprint_faults() -> Iterator[list[str]]:
    """Quieten WeasyPrint's and fontTools' chatter while collecting the faults WeasyPrint logs as errors."""
    faults: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            faults.append(_DATA_URI.sub(r"data:\1,...", record.getMessage())[:200])

    weasyprint_log, fonttools_log = logging.getLogger("weasyprint"), logging.getLogger("fontTools")
    saved = (weasyprint_log.level, weasyprint_log.propagate, fonttools_log.level)
    handler = _Collect(level=logging.ERROR)
    weasyprint_log.addHandler(handler)
    weasyprint_log.setLevel(logging.ERROR)
    weasyprint_log.propagate = False
    fonttools_log.setLevel(logging.CRITICAL)
    try:
        yield faults
    finally:
        weasyprint_log.removeHandler(handler)
        weasyprint_log.setLevel(saved[0])
        weasyprint_log.propagate = saved[1]
        fonttools_log.setLevel(saved[2])


@contextlib.contextmanager
def _temporary_sibling(path: Path) -> Iterator[Path]:
    """A new file name beside ``path``, so os.replace is atomic; removed unless moved into place."""
    tmp_path = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        yield tmp_path
    finally:
        tmp_path.unlink(missing_ok=True)
