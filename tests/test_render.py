"""The appendix as the committee sees it: outputs only, every chart described, one static page, and an A4
PDF/UA-1 file. The fixture notebook carries ready-made outputs, so no kernel runs."""

import base64
import contextlib
import io
import re
import shutil
import subprocess
import zlib
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from matplotlib.figure import Figure
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from icnreport.errors import IcnReportError
from icnreport.render import Cover, RenderError, html_to_pdf, notebook_to_html

CHART_ALT = "Bar chart: the weekly cost to adult social care rose from £28k before ICN contact to £35k after."
COST_TABLE = """<table class="dataframe">
<caption>Cost to adult social care (£'000)</caption>
<thead><tr><th></th><th>Prior to ICN</th><th>After contact with ICN</th></tr></thead>
<tbody>
<tr><th>Actual weekly costs</th><td>28</td><td>35</td></tr>
<tr><th>Projected annual effect</th><td>1,460</td><td>1,825</td></tr>
<tr><th>Differential</th><td></td><td>365</td></tr>
</tbody>
</table>"""
# Text that must never reach the committee: code, parameter values and the analyst's stderr.
HIDDEN = ["PARAM_DEFAULT_2017", "PARAM_INJECTED_2017", "show(cost_table)", "display(chart", "STDERR_NOISE"]
POPPLER = pytest.mark.skipif(not (shutil.which("pdfinfo") and shutil.which("pdftotext")), reason="needs poppler-utils")


def chart_png() -> str:
    """A small bar chart as base64 PNG, as IPython stores it in a display_data output."""
    figure = Figure(figsize=(4, 2), dpi=80)
    axes = figure.subplots()
    axes.bar(["Before ICN", "After ICN"], [28, 35])
    axes.set_ylabel("£'000 a week")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def chart_output(metadata: dict) -> nbformat.NotebookNode:
    return new_output("display_data", data={"image/png": chart_png(), "text/plain": "<Figure>"}, metadata=metadata)


def appendix_notebook(chart: nbformat.NotebookNode | None = None) -> nbformat.NotebookNode:
    """An executed appendix in miniature: prose, papermill's two parameter cells, a table and a chart."""
    if chart is None:
        chart = chart_output({"image/png": {"alt": CHART_ALT}})
    return new_notebook(
        cells=[
            new_code_cell("period = 'PARAM_DEFAULT_2017'", metadata={"tags": ["parameters"]}),
            new_code_cell(
                "period = 'PARAM_INJECTED_2017'\nprint(period)",
                metadata={"tags": ["injected-parameters"]},
                outputs=[new_output("stream", name="stdout", text="PARAM_INJECTED_2017\n")],
            ),
            new_markdown_cell("## Tracking coverage\n\nThe Council could track **322 (58%)** of 550 referrals."),
            new_code_cell(
                "show(cost_table)",
                execution_count=3,
                outputs=[
                    new_output("stream", name="stdout", text="People tracked: 322\n"),
                    new_output("stream", name="stderr", text="STDERR_NOISE: a pandas warning\n"),
                    new_output("execute_result", data={"text/html": COST_TABLE, "text/plain": "costs"}),
                ],
            ),
            new_code_cell("display(chart, metadata=...)", execution_count=4, outputs=[chart]),
            new_code_cell(
                "Markdown(summary)",
                execution_count=5,
                outputs=[new_output("display_data", data={"text/markdown": "The differential is **£365k** a year."})],
            ),
        ]
    )


def cell_with_outputs(*outputs: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The fixture notebook with one more code cell (cell 7, id 'extra-cell') holding these outputs."""
    nb = appendix_notebook()
    cell = new_code_cell("extra()", execution_count=6, outputs=list(outputs))
    cell.id = "extra-cell"
    nb.cells.append(cell)
    return nb


@pytest.fixture(scope="module")
def cover() -> Cover:
    return Cover(
        area="London Borough of Bromley",
        committee="Care Services Policy Development and Scrutiny Committee",
        report_reference="CS18067",
        period_label="9 months to 30 June 2017",
        date_label="22 November 2026",
        classification="PART ONE - PUBLIC",
    )


@pytest.fixture(scope="module")
def html(cover: Cover) -> str:
    return notebook_to_html(appendix_notebook(), cover)


@pytest.fixture(scope="module")
def pdf(html: str, cover: Cover, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return html_to_pdf(html, tmp_path_factory.mktemp("pdf") / "appendix.pdf", title=cover.document_title)


def run(*command: str | Path) -> str:
    return subprocess.run([str(part) for part in command], check=True, capture_output=True, text=True).stdout


def pdf_bytes_inflated(path: Path) -> bytes:
    """The PDF file with every Flate stream inflated, so catalogue entries in object streams can be read."""
    data = path.read_bytes()
    inflated = [data]
    for stream in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        with contextlib.suppress(zlib.error):
            inflated.append(zlib.decompress(stream.group(1)))
    return b"\n".join(inflated)


# HTML ------------------------------------------------------------------------------------------------


def test_html_shows_outputs_without_code_prompts_parameters_or_stderr(html: str) -> None:
    for text in [*HIDDEN, "In [", "In&nbsp;[", "Out[", '<pre class="cm', "highlight"]:
        assert text not in html
    assert "People tracked: 322" in html
    assert "1,460" in html and "1,825" in html


def test_html_keeps_markdown_cells_and_markdown_outputs_as_html(html: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("h2").get_text() == "Tracking coverage"
    assert [strong.get_text() for strong in soup.find_all("strong")] == ["322 (58%)", "£365k"]


def test_html_is_one_static_page_with_language_and_title(html: str, cover: Cover) -> None:
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html["lang"] == "en-GB"
    assert soup.title.get_text() == cover.document_title
    assert "<script" not in html.lower()
    assert "http://" not in html and "https://" not in html
    assert soup.find("link") is None
    assert all(element["src"].startswith("data:image/") for element in soup.find_all(src=True))


def test_every_image_has_alt_text(html: str) -> None:
    images = BeautifulSoup(html, "html.parser").find_all("img")
    assert [image.get("alt") for image in images] == [CHART_ALT]


def test_cover_block_names_the_report(html: str) -> None:
    cover_text = BeautifulSoup(html, "html.parser").find("header", class_="cover").get_text(" ", strip=True)
    for text in [
        "PART ONE - PUBLIC",
        "London Borough of Bromley",
        "Care Services Policy Development and Scrutiny Committee",
        "CS18067",
        "9 months to 30 June 2017",
        "22 November 2026",
        "Appendix Integrated Care Networks: impact on adult social care",
    ]:
        assert text in cover_text


def test_cover_without_classification_shows_none(cover: Cover) -> None:
    unclassified = replace(cover, classification="")
    html = notebook_to_html(appendix_notebook(), unclassified)
    assert BeautifulSoup(html, "html.parser").find(class_="cover-classification") is None
    assert "PART ONE" not in html


@pytest.mark.parametrize("blank", ["area", "report_reference", "title"])
def test_cover_refuses_a_blank_field(cover: Cover, blank: str) -> None:
    with pytest.raises(RenderError, match=blank):
        replace(cover, **{blank: "  "})


def test_table_figures_are_marked_numeric_and_labels_are_not(html: str) -> None:
    table = BeautifulSoup(html, "html.parser").find("table")
    numeric = [cell.get_text() for cell in table.find_all(class_="num")]
    assert numeric == ["Prior to ICN", "After contact with ICN", "28", "35", "1,460", "1,825", "365"]


@pytest.mark.parametrize(
    "metadata",
    [{}, {"image/png": {}}, {"image/png": {"alt": ""}}, {"image/png": {"alt": "   "}}, {"alt": None}],
    ids=["none", "empty-mimetype", "empty", "blank", "null"],
)
def test_chart_without_alt_text_is_refused_naming_the_cell(cover: Cover, metadata: dict) -> None:
    nb = cell_with_outputs(chart_output(metadata))
    with pytest.raises(RenderError, match=r"cell 7 \(id 'extra-cell'\).*image/png.*alt text"):
        notebook_to_html(nb, cover)


def test_alt_text_given_to_display_at_top_level_is_used(cover: Cover) -> None:
    html = notebook_to_html(cell_with_outputs(chart_output({"alt": "Line chart of referrals a month"})), cover)
    alts = [image["alt"] for image in BeautifulSoup(html, "html.parser").find_all("img")]
    assert alts == [CHART_ALT, "Line chart of referrals a month"]


def test_markdown_image_without_alt_text_is_refused(cover: Cover) -> None:
    nb = appendix_notebook()
    nb.cells.append(new_markdown_cell(f"![](data:image/png;base64,{chart_png()})"))
    with pytest.raises(RenderError, match="no alt text"):
        notebook_to_html(nb, cover)


def test_failed_cell_is_refused_naming_the_cell(cover: Cover) -> None:
    error = new_output("error", ename="KeyError", evalue="'period'", traceback=["KeyError: 'period'"])
    with pytest.raises(RenderError, match=r"cell 7 \(id 'extra-cell'\) failed with KeyError"):
        notebook_to_html(cell_with_outputs(error), cover)


@pytest.mark.parametrize(
    "fragment",
    ['<script>alert("x")</script>', '<img src="https://example.org/logo.png" alt="Logo">'],
    ids=["script", "remote-image"],
)
def test_html_output_that_runs_code_or_fetches_is_refused(cover: Cover, fragment: str) -> None:
    nb = cell_with_outputs(new_output("display_data", data={"text/html": f"<p>Note</p>{fragment}"}))
    with pytest.raises(RenderError, match="standalone|data URI"):
        notebook_to_html(nb, cover)


def test_render_error_is_a_user_fault_for_the_command_line() -> None:
    assert issubclass(RenderError, IcnReportError)


# PDF -------------------------------------------------------------------------------------------------


@POPPLER
def test_pdf_is_a4_tagged_pdf_1_7_with_title(pdf: Path, cover: Cover) -> None:
    info = run("pdfinfo", pdf)
    assert re.search(r"^Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)$", info, re.MULTILINE)
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)
    assert re.search(rf"^Title:\s+{re.escape(cover.document_title)}$", info, re.MULTILINE)
    assert re.search(r"^PDF version:\s+1\.7$", info, re.MULTILINE)


@POPPLER
def test_pdf_identifies_itself_as_pdf_ua_1(pdf: Path) -> None:
    xmp = run("pdfinfo", "-meta", pdf)
    assert re.search(r"pdfuaid:part(=\"|>)1\b", xmp)


def test_pdf_catalogue_has_structure_language_and_displayed_title(pdf: Path) -> None:
    catalogue = pdf_bytes_inflated(pdf)
    for entry in [b"/StructTreeRoot", b"/Lang (en-GB)", b"/DisplayDocTitle true", b"/Marked true"]:
        assert entry in catalogue
    alt_as_pdf_text = ("\ufeff" + CHART_ALT).encode("utf-16-be").hex().encode()
    assert b"/Alt <" + alt_as_pdf_text + b">" in catalogue


@POPPLER
def test_pdf_reads_as_the_appendix(pdf: Path) -> None:
    text = " ".join(run("pdftotext", "-layout", pdf, "-").split())
    for expected in [
        "London Borough of Bromley",
        "Care Services Policy Development and Scrutiny Committee",
        "CS18067",
        "9 months to 30 June 2017",
        "22 November 2026",
        "Appendix",
        "Integrated Care Networks: impact on adult social care",
        "Page 1 of",
        "Actual weekly costs 28 35",
        "Projected annual effect 1,460 1,825",
        "Differential 365",
        "The differential is £365k a year.",
    ]:
        assert expected in text
    for hidden in HIDDEN:
        assert hidden not in text


@pytest.mark.parametrize(
    "style",
    ["body { background: url(https://example.org/x.png) }", "@import url(https://example.org/x.css);"],
    ids=["remote-image", "remote-stylesheet"],
)
def test_pdf_refuses_remote_resources_and_leaves_the_old_file(tmp_path: Path, style: str) -> None:
    target = tmp_path / "appendix.pdf"
    target.write_bytes(b"previous appendix")
    html = f'<html lang="en-GB"><head><title>T</title><style>{style}</style></head><body><p>x</p></body></html>'
    with pytest.raises(RenderError, match="not embedded"):
        html_to_pdf(html, target, title="T")
    assert target.read_bytes() == b"previous appendix"
    assert sorted(tmp_path.iterdir()) == [target]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<p>x</p><script>alert(1)</script>", "contains a <script> element"),
        ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "contains a <script> element"),
        ('<img src="https://example.org/logo.png" alt="Logo">', "refers to 'https://example.org/logo.png'"),
    ],
    ids=["script", "script-inside-svg", "remote-image"],
)
def test_pdf_refuses_html_that_runs_code_or_fetches(tmp_path: Path, body: str, message: str) -> None:
    html = f'<html lang="en-GB"><head><title>T</title></head><body>{body}</body></html>'
    with pytest.raises(RenderError, match=message):
        html_to_pdf(html, tmp_path / "appendix.pdf", title="T")
    assert list(tmp_path.iterdir()) == []


def test_pdf_refuses_an_image_without_alt_text(tmp_path: Path) -> None:
    html = f'<html lang="en-GB"><body><img src="data:image/png;base64,{chart_png()}"></body></html>'
    with pytest.raises(RenderError, match=r"Image \"data:image/png;base64,\.\.\.\" has no required alt"):
        html_to_pdf(html, tmp_path / "appendix.pdf", title="T")
    assert list(tmp_path.iterdir()) == []


def test_for_audience_keeps_that_audiences_outputs_and_the_shared_ones() -> None:
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from icnreport.audiences import AUDIENCE_KEY
    from icnreport.render import for_audience

    cell = new_code_cell("appendix.table('coverage')")
    cell.outputs = [
        new_output("display_data", data={"text/html": "<p>exact</p>"}, metadata={AUDIENCE_KEY: "restricted"}),
        new_output("display_data", data={"text/html": "<p>controlled</p>"}, metadata={AUDIENCE_KEY: "public"}),
        new_output("display_data", data={"text/html": "<p>shared</p>"}),
    ]
    notebook = new_notebook(cells=[cell])
    public = for_audience(notebook, "public")
    assert [o.data["text/html"] for o in public.cells[0].outputs] == ["<p>controlled</p>", "<p>shared</p>"]
    assert len(notebook.cells[0].outputs) == 3, "the notebook given is not changed"
