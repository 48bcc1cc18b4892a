"""The identifier check on a run's public folder (issue "Safe to publish"): every file is read as a reader sees
it, and an NHS number, a referral id, a person id or a date of birth of the inputs fails the run, with a message
that names the file and the kind of identifier but never the identifier."""

import datetime as dt
import time
from pathlib import Path

import openpyxl
import pytest
from conftest import NHS_A, NHS_B, asc_extract, referral_extract

from icnreport.identifiers import (
    DATE_OF_BIRTH,
    KINDS,
    MIN_ID_CHARACTERS,
    MIN_NUMERIC_ID_DIGITS,
    NHS_NUMBER,
    PERSON_ID,
    REFERRAL_ID,
    Hit,
    IdentifierLeak,
    Identifiers,
    check_public,
    readable_text,
    scan_folder,
    scan_text,
)
from icnreport.nhs_number import is_valid_nhs_number

REFERRAL = "ICN000123"
PERSON = "4851343"
BIRTH = dt.date(1935, 6, 30)
IDS = Identifiers.of(referral_ids=[REFERRAL], person_ids=[PERSON], dates_of_birth=[BIRTH])
#: Ten digits that fail Modulus 11: NHS_A with its check digit changed.
NOT_NHS = "9434765918"
#: What the appendix itself prints: money, counts, percentages, the report's own dates, a reference.
ORDINARY = (
    "In the 9 months to 30 June 2017 the 3 networks received 575 referrals for 550 people; 322 (59%) were tracked. "
    "Annual cost £1,460,000 before and £1,825,000 after; total pressure £773k; 2016-10-01 to 2017-06-30; "
    "report DEMO-CS18067, page 1 of 8, 0.5854545454545454, 8450552.795031056."
)
#: A base64 image whose data holds a valid NHS number and an id, as an embedded chart might by chance.
DATA_URI = f"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA{NHS_A}AAA{PERSON}AAAA+/{REFERRAL}x=="


def html_page(body: str) -> str:
    head = "<head><title>Appendix</title><style>p { margin: 0 }</style></head>"
    return f"<!DOCTYPE html><html>{head}<body>{body}</body></html>"


def write_html(folder: Path, body: str, name: str = "appendix.html") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(html_page(body), encoding="utf-8")
    return path


def write_pdf(folder: Path, body: str, name: str = "appendix.pdf") -> Path:
    import weasyprint

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    weasyprint.HTML(string=html_page(body)).write_pdf(path)
    return path


def write_workbook(folder: Path, rows: list[list], number_format: str | None = None, name: str = "tables.xlsx") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "coverage"
    for row in rows:
        sheet.append(row)
    if number_format:
        for cells in sheet.iter_rows():
            for cell in cells:
                cell.number_format = number_format
    path = folder / name
    workbook.save(path)
    return path


@pytest.fixture
def public(tmp_path: Path) -> Path:
    return tmp_path / "public"


def kinds_in(folder: Path, identifiers: Identifiers = IDS) -> set[str]:
    return {hit.kind for hit in scan_folder(folder, identifiers)}


def test_a_clean_folder_passes(public: Path) -> None:
    write_html(public, f"<p>{ORDINARY}</p><img src='{DATA_URI}' alt='Figure 1: coverage by month'>")
    write_pdf(public, f"<p>{ORDINARY}</p><table><tr><td>East</td><td>194</td><td>125</td></tr></table>")
    write_workbook(public, [["Network", "People"], ["East", 194], ["Cost", 1460000], ["Share", 0.5854545454545454]])
    (public / "tables").mkdir()
    (public / "tables" / "coverage.csv").write_text("network,people,coverage\nEast,194,0.64\n", encoding="utf-8")
    assert scan_folder(public, IDS) == []
    check_public(public, IDS)


@pytest.mark.parametrize(
    "written",
    [
        NHS_A,
        "943 476 5919",
        "943-476-5919",
        "943\u00a0476\u00a05919",
        "9434 765 919",  # any grouping, when the ten digits stand alone
        "NHS no.943 476 5919",
        f"{NHS_A} 82",  # beside the next cell of a table row
        "943 476 5919 82",  # NHS groups of 3-3-4 anywhere
        f"{NHS_A}.0",  # a number column turned into decimals
        f"nhs{NHS_A}",
    ],
)
def test_an_nhs_number_in_html_visible_text_is_found(public: Path, written: str) -> None:
    write_html(public, f"<p>Referred: {written}, aged 82.</p>")
    assert scan_folder(public, IDS) == [Hit(public / "appendix.html", NHS_NUMBER)]


def test_any_valid_nhs_number_is_found_not_only_those_in_the_inputs(public: Path) -> None:
    write_html(public, f"<p>{NHS_B}</p>")
    assert kinds_in(public, Identifiers()) == {NHS_NUMBER}


@pytest.mark.parametrize("markup", [f"<img src='chart.png' alt='{NHS_A}'>", f"<abbr title='{NHS_A}'>NHS</abbr>"])
def test_attributes_shown_to_people_are_read(public: Path, markup: str) -> None:
    write_html(public, markup)
    assert kinds_in(public) == {NHS_NUMBER}


def test_numbers_in_a_data_uri_a_script_or_a_style_are_not_read(public: Path) -> None:
    write_html(
        public,
        f"<img src='{DATA_URI}' alt='Figure 1'><a href='{DATA_URI}'>chart</a>"
        f"<script>var n = '{NHS_A}';</script><style>.x{{content:'{NHS_A}'}}</style><!-- {NHS_A} -->",
    )
    assert kinds_in(public) == set()
    write_html(public, f"<p>Figure 1 {NHS_A}</p>", name="control.html")  # the same number, shown, is found
    assert kinds_in(public) == {NHS_NUMBER}


@pytest.mark.parametrize(
    "body, kinds",
    [
        ("<table><tr><td>943</td><td>476</td><td>5919</td></tr></table>", set()),  # three counts in three cells
        (f"<table><tr><td>{NHS_A}</td><td>82</td></tr></table>", {NHS_NUMBER}),
        (f"<p>1<div>{NHS_A}</div></p>", {NHS_NUMBER}),
        (f"<div>{NHS_A}</div>82", {NHS_NUMBER}),
        ("<p><b>943</b> 476 <i>5919</i></p>", {NHS_NUMBER}),  # inline markup runs on
        (f"<p>1<span>{NHS_A}</span></p>", set()),  # shown as eleven digits
    ],
)
def test_html_blocks_are_kept_apart_and_inline_markup_is_not(public: Path, body: str, kinds: set[str]) -> None:
    write_html(public, body)
    assert kinds_in(public) == kinds


@pytest.mark.parametrize("written", [NHS_A, "943 476 5919"])
def test_an_nhs_number_in_a_pdf_is_found(public: Path, written: str) -> None:
    write_pdf(public, f"<h1>Appendix</h1><table><tr><td>Mrs A</td><td>{written}</td><td>82</td></tr></table>")
    assert scan_folder(public, IDS) == [Hit(public / "appendix.pdf", NHS_NUMBER)]


@pytest.mark.parametrize("cell", [int(NHS_A), float(NHS_A), "943 476 5919"])
def test_an_nhs_number_in_a_workbook_cell_is_found(public: Path, cell: object) -> None:
    write_workbook(public, [["Network", "Note"], ["East", cell]])
    assert scan_folder(public, IDS) == [Hit(public / "tables.xlsx", NHS_NUMBER)]


@pytest.mark.parametrize("written", [NOT_NHS, "943 476 5918", "2222222222", "0000000000"])
def test_ten_digits_failing_modulus_11_are_not_an_nhs_number(written: str) -> None:
    assert not is_valid_nhs_number(written)
    assert scan_text(f"Reference {written}.", IDS) == set()


@pytest.mark.parametrize(
    "written",
    [
        f"{NHS_A}1",
        f"1{NHS_A}",
        f"0.{NHS_A}",  # the decimals of a fraction
        "9434 765 919 1",  # groups other than 3-3-4 count only when the ten digits stand alone
        "1 9434 765 919",
        "943,476,5919",  # thousands separators
    ],
)
def test_ten_digits_inside_a_longer_number_are_not_an_nhs_number(written: str) -> None:
    assert scan_text(f"Figure {written} here", IDS) == set()


@pytest.mark.parametrize(
    "text, kinds",
    [
        (f"Referral {REFERRAL}.", {REFERRAL_ID}),
        (f"({REFERRAL.lower()})", {REFERRAL_ID}),
        (f"{REFERRAL},{PERSON}", {REFERRAL_ID, PERSON_ID}),
        (f"person {PERSON}", {PERSON_ID}),
        (f"person {PERSON}.0", {PERSON_ID}),
        ("born 1935-06-30", {DATE_OF_BIRTH}),
        ("born 1935-06-30T00:00:00", {DATE_OF_BIRTH}),
        ("born 30/06/1935", {DATE_OF_BIRTH}),
        ("born 30/6/1935", {DATE_OF_BIRTH}),
        ("born 30-06-1935", {DATE_OF_BIRTH}),
        ("born 30 June 1935", {DATE_OF_BIRTH}),
        ("born 30 Jun 1935", {DATE_OF_BIRTH}),
        ("born 30 JUNE 1935", {DATE_OF_BIRTH}),
        ("born 30th June 1935", {DATE_OF_BIRTH}),
        ("born June 30, 1935", {DATE_OF_BIRTH}),
        ("born 30 June\n1935", {DATE_OF_BIRTH}),
        (f"{REFERRAL} {PERSON} 30/06/1935 {NHS_A}", set(KINDS)),
    ],
)
def test_ids_and_dates_of_birth_of_the_inputs_are_found(text: str, kinds: set[str]) -> None:
    assert scan_text(text, IDS) == kinds


@pytest.mark.parametrize(
    "text",
    [
        f"X{REFERRAL}",
        f"{REFERRAL}4",
        f"{REFERRAL}A",
        f"{PERSON}0",
        f"0.{PERSON}",
        f"{PERSON}.5",
        "4,851,343",
        "born 30/06/1936",
        "born 06/30/1935",  # never US order
        "born 31 June 1935",
        "born June 1935",
        "30 June 2017",
    ],
)
def test_near_misses_are_not_identifiers(text: str) -> None:
    assert scan_text(text, IDS) == set()


def test_an_id_of_several_words_is_matched_whole() -> None:
    ids = Identifiers.of(referral_ids=["REF/2016/001", "ICN 0042 17"])
    assert ids.longest_id_words == 3
    assert scan_text("see ref/2016/001.", ids) == {REFERRAL_ID}
    assert scan_text("see ICN\n0042  17 here", ids) == {REFERRAL_ID}
    assert scan_text("see REF/2016/0012 and XREF/2016/001", ids) == set()


@pytest.mark.parametrize("writer", ["html", "pdf", "workbook", "csv"])
def test_ids_and_dates_of_birth_are_found_in_every_kind_of_file(public: Path, writer: str) -> None:
    values = [REFERRAL, PERSON, "30 June 1935"]
    if writer == "html":
        write_html(public, "".join(f"<p>{value}</p>" for value in values))
    elif writer == "pdf":
        write_pdf(public, "<table><tr>" + "".join(f"<td>{value}</td>" for value in values) + "</tr></table>")
    elif writer == "workbook":
        write_workbook(public, [["Referral", "Person", "Born"], [REFERRAL, int(PERSON), dt.datetime(1935, 6, 30)]])
    else:
        public.mkdir()
        (public / "rows.csv").write_text("referral,person,born\n" + ",".join(values) + "\n", encoding="utf-8")
    assert kinds_in(public) == {REFERRAL_ID, PERSON_ID, DATE_OF_BIRTH}


def test_workbook_numbers_are_read_as_excel_shows_them(public: Path) -> None:
    write_workbook(public, [["Cost"], [int(PERSON)]], number_format='"£"#,##0')
    assert kinds_in(public) == set()  # shown as £4,851,343: a sum of money, not an id
    write_workbook(public, [["Cost"], [int(PERSON)]], name="general.xlsx")
    assert kinds_in(public) == {PERSON_ID}


def test_the_message_names_the_file_and_kind_but_never_the_identifier(public: Path) -> None:
    write_html(public, f"<p>{NHS_A} born 30/06/1935</p>")
    write_workbook(public, [["Person"], [PERSON]])
    with pytest.raises(IdentifierLeak) as raised:
        check_public(public, IDS)
    message = str(raised.value)
    assert message == (
        "public/appendix.html contains an NHS number and a date of birth; "
        "public/tables.xlsx contains a person id; nothing was published"
    )
    assert not any(value in message for value in (NHS_A, PERSON, "1935"))


def test_the_message_names_three_files_and_counts_the_rest(public: Path) -> None:
    for number in range(5):
        write_html(public, f"<p>{REFERRAL}</p>", name=f"page{number}.html")
    with pytest.raises(IdentifierLeak, match=r"page2\.html contains a referral id; 2 more files too; nothing was"):
        check_public(public, IDS)


@pytest.mark.parametrize(
    "typed, checked",
    [
        ("12345", False),  # fewer than MIN_NUMERIC_ID_DIGITS digits and no letters
        ("123456", True),
        ("12-345", False),
        ("ABC", False),  # fewer than MIN_ID_CHARACTERS characters
        ("AB1", False),
        ("P123", True),
        ("East", False),  # no digits: a word
        ("  #00042 ", False),
        ("  #000042 ", True),  # punctuation at either end is not part of the id
        ("ICN 000042", True),
    ],
)
def test_ids_too_short_to_check_are_skipped_and_counted(typed: str, checked: bool) -> None:
    assert (MIN_ID_CHARACTERS, MIN_NUMERIC_ID_DIGITS) == (4, 6)
    ids = Identifiers.of(referral_ids=[typed, typed.lower()], person_ids=[typed])
    assert ids.unchecked == {REFERRAL_ID: int(not checked), PERSON_ID: int(not checked), DATE_OF_BIRTH: 0}
    assert scan_text(f"Figure: {typed.strip()}.", ids) == ({REFERRAL_ID, PERSON_ID} if checked else set())


def test_the_unchecked_note_says_what_was_skipped() -> None:
    assert Identifiers.of(referral_ids=["ICN000001"]).unchecked_note() == ""
    ids = Identifiers.of(referral_ids=["1", "22", "ICN000001"], person_ids=["333"])
    assert ids.unchecked_note() == (
        "Not checked for in the public outputs: 2 referral ids and 1 person id too short to tell from ordinary "
        "words and figures."
    )


def test_identifiers_from_the_extracts_include_quarantined_rows() -> None:
    referrals = referral_extract(
        [
            {"referral_id": "R00001", "referral_date": "2016-10-03", "date_of_birth": "30/06/1935"},
            {"referral_id": "R00002", "referral_date": "2016-10-04", "network": "Nowhere"},  # quarantined
            {"referral_id": "R3", "referral_date": "2016-10-05", "date_of_birth": "2016-10-05"},  # a typing error
        ]
    )
    asc = asc_extract([{"person_id": "P000001", "date_of_birth": "1940-01-02"}, {"person_id": "77"}])
    ids = Identifiers.from_extracts(referrals, asc)
    assert ids.referral_ids == {"r00001", "r00002"}
    assert ids.person_ids == {"p000001"}
    assert ids.dates_of_birth == {BIRTH, dt.date(1940, 1, 2)}
    assert ids.unchecked == {REFERRAL_ID: 1, PERSON_ID: 1, DATE_OF_BIRTH: 1}
    assert "1 date of birth on or after the first referral date" in ids.unchecked_note()
    assert scan_text("R00002 and 2 January 1940", ids) == {REFERRAL_ID, DATE_OF_BIRTH}
    assert "r00001" not in repr(ids)


def test_images_are_skipped_and_other_file_types_cannot_be_published(public: Path) -> None:
    public.mkdir()
    (public / "chart.png").write_bytes(b"\x89PNG\r\n" + NHS_A.encode())
    assert scan_folder(public, IDS) == []
    (public / "notes.docx").write_bytes(b"PK\x03\x04")
    with pytest.raises(IdentifierLeak, match=r"^public/notes\.docx cannot be checked for identifiers"):
        check_public(public, IDS)


def test_a_damaged_pdf_cannot_be_published(public: Path) -> None:
    public.mkdir()
    (public / "appendix.pdf").write_bytes(b"%PDF-1.7 not really")
    with pytest.raises(IdentifierLeak, match=r"^public/appendix\.pdf cannot be read to check it for identifiers"):
        check_public(public, IDS)


def test_pdf_text_includes_the_document_information(public: Path) -> None:
    import weasyprint

    public.mkdir()
    html = html_page("<p>Appendix</p>").replace("<title>Appendix</title>", f"<title>Appendix {REFERRAL}</title>")
    weasyprint.HTML(string=html).write_pdf(public / "appendix.pdf")
    assert REFERRAL in readable_text(public / "appendix.pdf")


def test_many_ids_are_checked_by_set_lookups_not_a_pattern_each() -> None:
    ids = Identifiers.of(referral_ids=(f"ICN{number:07d}" for number in range(200_000)))
    text = ORDINARY * 200
    started = time.perf_counter()
    assert scan_text(text + " ICN0199999", ids) == {REFERRAL_ID}
    assert time.perf_counter() - started < 1.0  # a pattern per id would take minutes


@pytest.mark.slow
def test_the_demo_run_publishes_no_identifier(tmp_path: Path) -> None:
    from icnreport.extracts import read_asc, read_referrals
    from icnreport.params import load_params
    from icnreport.period import parse_period
    from icnreport.runner import run_period

    params_file = Path(__file__).resolve().parents[1] / "params" / "demo.yaml"
    result = run_period(params_file, parse_period("2017-06"), tmp_path)
    params = load_params(params_file)
    ids = Identifiers.from_extracts(read_referrals(params), read_asc(params))
    check_public(result.folder / "public", ids)
    # The restricted quarantine listing shows the check can fail on the same inputs.
    quarantined = readable_text(result.folder / "restricted" / "quarantined_referrals.csv")
    assert REFERRAL_ID in scan_text(quarantined, ids)
