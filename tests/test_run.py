"""The period run end to end with a real kernel: papermill executes the appendix notebook, nbconvert and
WeasyPrint render it. The PDF is checked as a reader (and a screen reader) would find it."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from icnreport.cli import main
from icnreport.period import Period
from icnreport.runner import run_period

ROOT = Path(__file__).resolve().parents[1]
DEMO_PARAMS = ROOT / "params" / "demo.yaml"
FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
JUNE_2017 = Period(2017, 6)

pytestmark = pytest.mark.slow


def _run_demo_with(output: Path, notebook: str) -> int:
    """`icnreport run` on the demo for June 2017 with a fixture notebook in place of the appendix."""
    return main(
        [
            "run",
            "--params",
            str(DEMO_PARAMS),
            "--period",
            "2017-06",
            "--output-dir",
            str(output),
            "--notebook",
            str(FIXTURES / notebook),
        ]
    )


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory):
    output = tmp_path_factory.mktemp("output")
    return run_period(DEMO_PARAMS, JUNE_2017, output)


def _pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def _pdfinfo(pdf: Path, *options: str) -> str:
    return subprocess.run(["pdfinfo", *options, str(pdf)], capture_output=True, text=True, check=True).stdout


def test_the_period_folder_holds_what_spec_lists(demo_run) -> None:
    folder = demo_run.folder
    assert folder.parts[-2:] == ("demo-borough", "2017-06")
    for name in (
        "public/appendix.html",
        "public/appendix.pdf",
        "public/tables.xlsx",
        "restricted/appendix.html",
        "restricted/appendix.pdf",
        "restricted/appendix.ipynb",
        "restricted/figures.json",
        "restricted/quarantined_referrals.csv",
        "restricted/quarantined_asc.csv",
        "manifest.json",
    ):
        assert (folder / name).is_file(), name
    hidden = sorted(p.name for p in folder.parent.glob(".*"))
    assert hidden == sorted([".2017-06.lock", folder.resolve().name]), "no staging folder is left behind"


@pytest.mark.parametrize("audience", ["public", "restricted"])
def test_pdf_is_a4_tagged_pdf_ua_with_a_title(demo_run, audience: str) -> None:
    pdf = demo_run.folder / audience / "appendix.pdf"
    info = _pdfinfo(pdf)
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    assert re.search(r"Tagged:\s+yes", info)
    assert re.search(r"Title:\s+Integrated Care Networks: impact on adult social care", info)
    assert 'pdfuaid:part="1"' in _pdfinfo(pdf, "-meta") or "<pdfuaid:part>1<" in _pdfinfo(pdf, "-meta")


def test_restricted_appendix_carries_the_cs18067_figures(demo_run) -> None:
    text = " ".join(_pdftotext(demo_run.folder / "restricted" / "appendix.pdf").split())
    for figure in (
        "550 people",
        "322 of the 550 people",
        "121 of the 322",
        "the other 201",
        "£1,460k",
        "£1,825k",
        "£365k",
        "31 of the 201 people not in receipt of care before their referral (15%)",
        "27 of the 121 people already in receipt of care (22%)",
    ):
        assert figure in text, figure
    assert "Page 1 of" in text


def test_cs18067_discrepancies_are_pointed_out(demo_run) -> None:
    text = " ".join(_pdftotext(demo_run.folder / "restricted" / "appendix.pdf").split())
    assert "201 - 31 = 170" in text
    assert "228/322" in text
    assert "£989k" in text


def test_html_has_no_code_and_every_image_has_alt_text(demo_run) -> None:
    html = (demo_run.folder / "public" / "appendix.html").read_text()
    soup = BeautifulSoup(html, "html.parser")
    for code in ("load_appendix", "show_table(", "import ", "params_file =", "figures_json"):
        assert code not in html, code
    images = soup.find_all("img")
    assert len(images) == 3
    assert all(len(image.get("alt", "").strip()) > 20 for image in images)
    assert soup.html["lang"] == "en-GB"


def test_manifest_records_inputs_versions_and_timings(demo_run) -> None:
    import hashlib
    import json

    manifest = json.loads((demo_run.folder / "manifest.json").read_text())
    referrals = ROOT / "data" / "demo" / "referrals.csv"
    digest = hashlib.sha256(referrals.read_bytes()).hexdigest()
    assert digest in manifest["inputs"].values()
    assert len(manifest["inputs"]) == 6  # params, referrals and four quarterly CLD files
    assert {"pandas", "papermill", "weasyprint"} <= set(manifest["versions"])
    assert {"read", "figures", "execute", "html", "pdf"} <= set(manifest["timings_seconds"])
    assert manifest["period"] == "2017-06" and manifest["run_id"]


def test_a_failing_cell_names_the_cell_and_leaves_the_previous_outputs(
    demo_run, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    output = tmp_path / "output"
    shutil.copytree(demo_run.folder, output / "demo-borough" / "2017-06")
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    status = _run_demo_with(output, "failing.ipynb")
    err = capsys.readouterr().err
    assert status == 2
    assert (
        "cell 3" in err
        and "raise ValueError" in err
        and "ValueError: the figures do not reconcile" in err
        and "Traceback" not in err
    )
    after = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    assert after == before


def test_unknown_parameters_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    status = _run_demo_with(tmp_path, "without_figures_parameter.ipynb")
    assert status == 2
    assert "does not declare the parameter 'audiences'" in capsys.readouterr().err
    assert not list(tmp_path.rglob("*.pdf"))


def test_tables_workbook_has_every_table_with_numbers_as_numbers(demo_run) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(demo_run.folder / "public" / "tables.xlsx")
    assert {"coverage", "outcomes", "costs", "financial", "rows", "chart_outcomes"} <= set(workbook.sheetnames)
    costs = workbook["costs"]
    assert costs["A1"].value == "Cost to adult social care of tracked people's care packages"
    # Row 3 is the first data row under the headings: actual weekly cost before and after, in pounds.
    assert (costs["B3"].value, costs["C3"].value) == pytest.approx((28_000, 35_000))
    assert costs["B3"].number_format == '"£"#,##0'


def test_a_range_of_months_runs_in_parallel(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    status = main(
        ["run", "--params", str(DEMO_PARAMS), "--from", "2017-05", "--to", "2017-06", "--output-dir", str(tmp_path)]
    )
    out = capsys.readouterr().out
    assert status == 0
    assert "2 of 2 months done" in out and "[1/2]" in out and "[2/2]" in out
    assert (tmp_path / "demo-borough" / "2017-05" / "public" / "appendix.pdf").is_file()
    assert (tmp_path / "demo-borough" / "2017-06" / "public" / "appendix.pdf").is_file()


def test_an_identifier_in_a_public_file_fails_the_run_and_publishes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    status = _run_demo_with(tmp_path, "leaky.ipynb")
    err = capsys.readouterr().err
    assert status == 2
    assert "public/appendix.html" in err and "NHS number" in err
    assert "943" not in err and "5919" not in err, "the message never repeats the identifier"
    assert not (tmp_path / "demo-borough" / "2017-06").exists()
    assert not list(tmp_path.rglob("*.pdf"))


def test_the_demo_run_records_its_identifier_check(demo_run) -> None:
    import json

    manifest = json.loads((demo_run.folder / "manifest.json").read_text())
    assert manifest["identifier_check"]["identifiers_not_checked"] == {
        "referral id": 0,
        "person id": 0,
        "date of birth": 0,
    }
    assert "identifiers" in manifest["timings_seconds"]


def test_an_isolated_backfill_worker_keeps_one_kernel_process_for_its_months(tmp_path: Path) -> None:
    from icnreport.kernel import _shared

    first = run_period(DEMO_PARAMS, Period(2017, 5), tmp_path, isolated=True, backfill_worker=True)
    kernel = _shared[(ROOT / "notebooks")]
    second = run_period(DEMO_PARAMS, JUNE_2017, tmp_path, isolated=True, backfill_worker=True)
    assert _shared[(ROOT / "notebooks")] is kernel and kernel.alive()
    text = " ".join(_pdftotext(second.folder / "restricted" / "appendix.pdf").split())
    assert "322 of the 550 people" in text, "the second month's appendix is its own, not the first's"
    assert "322 of the" not in " ".join(_pdftotext(first.folder / "restricted" / "appendix.pdf").split())
    kernel.shutdown()
    _shared.clear()


def test_where_processes_cannot_fork_both_appendices_are_made_in_turn(tmp_path: Path, monkeypatch) -> None:
    import multiprocessing

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    result = run_period(DEMO_PARAMS, JUNE_2017, tmp_path)
    for audience in ("public", "restricted"):
        assert (result.folder / audience / "appendix.pdf").is_file()
