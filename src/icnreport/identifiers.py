"""Identifiers in public outputs: after every render, each file under a run's `public/` folder is read as a
reader would see it and searched for identifiers of the people in the run's inputs. One hit fails the run; the
message names the file and the kind of identifier, never the identifier itself.

What is looked for, by kind:

- **NHS number**: any ten digits that pass the Modulus 11 check (`icnreport.nhs_number`), whether or not they
  are in the inputs. Written plain (9434765919), in the NHS's own 3-3-4 groups (943 476 5919) anywhere, or in
  any other groups when the ten digits stand alone (9434 765 919). Groups are separated by one space or hyphen
  (also a no-break or thin space, a line break, an en dash or minus sign). Ten digits inside a longer run of digits
  (94347659190), or after a decimal point (0.9434765919), are not an NHS number.
- **referral id** and **person id** of the inputs, as whole tokens: letters and digits not inside a longer
  word or number (ICN000001 is found in "ICN000001," but not in "XICN000001" or "ICN0000012"), ignoring case.
- **date of birth** of the inputs, as a document writes it: 1935-06-30, 30/06/1935, 30/6/1935, 30-06-1935,
  30.06.1935, 30 June 1935, 30 Jun 1935, 30th June 1935, June 30, 1935.

What cannot be checked without false alarms is skipped and counted (`Identifiers.unchecked`, and
`Identifiers.unchecked_note()` for the run to say so):

- an id of fewer than 4 characters, an id with no letters and fewer than 6 digits (it would match ordinary
  counts, pounds and years), or an id with no digits at all (it would match ordinary words);
- a date of birth on or after the first referral date: nobody referred was born after the programme began,
  so such a date is a typing error, and it would match the report's own dates (period end, programme start).

What is read: HTML as shown (the text, and the alt, title, aria-label, placeholder, value, href and src
attributes, but not scripts, styles or `data:` URIs such as embedded chart images); PDF page text and
document information (PDFium, through pypdfium2); every workbook cell as Excel shows it (numbers under a
thousands format as "1,460,000"), sheet names and document properties (openpyxl); CSV, JSON, text and other
text files as UTF-8.
Images are not read (the text drawn in a chart is not checked). A file of any other type cannot be checked,
and that fails the run too.
"""

import calendar
import contextlib
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from icnreport.dates import parse_dates
from icnreport.errors import IcnReportError
from icnreport.extracts import Extract
from icnreport.nhs_number import passes_modulus_11

NHS_NUMBER = "NHS number"
REFERRAL_ID = "referral id"
PERSON_ID = "person id"
DATE_OF_BIRTH = "date of birth"
#: Kinds in the order messages name them.
KINDS = (NHS_NUMBER, REFERRAL_ID, PERSON_ID, DATE_OF_BIRTH)
_PLURALS = {REFERRAL_ID: "referral ids", PERSON_ID: "person ids", DATE_OF_BIRTH: "dates of birth"}

#: NHS Data Dictionary: an NHS number is ten digits; the NHS prints it in groups of 3, 3 and 4.
NHS_NUMBER_DIGITS = 10
NHS_NUMBER_GROUPS = [3, 3, 4]
#: Shorter ids, and numbers with fewer digits, would match ordinary words and figures: they are not checked.
MIN_ID_CHARACTERS = 4
MIN_NUMERIC_ID_DIGITS = 6
#: A message names at most this many files.
FILES_NAMED = 3

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".svg"}
PDF_SUFFIXES = {".pdf"}
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}
TEXT_SUFFIXES = {".csv", ".tsv", ".json", ".txt", ".md", ".xml", ".yaml", ".yml"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}
#: HTML that is never shown, and attributes that are.
HIDDEN_TAGS = {"script", "style", "template"}
SHOWN_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder", "value", "label", "href", "src")
INLINE_TAGS = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q", "s", "samp",
    "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr", "font",
}  # fmt: skip
#: Between blocks (cells, paragraphs, pages, workbook cells): not a separator inside an NHS number.
BLOCK_BREAK = "\n\n"

_SEPARATOR = r"[ \n\u00a0\u2009\u202f\-\u2010-\u2013\u2212]"
#: Digit groups joined by single separators; not starting inside a number or after a decimal point.
_DIGIT_RUN = re.compile(rf"(?<![0-9])(?<![0-9]\.)[0-9]+(?:{_SEPARATOR}[0-9]+)*")
_DIGITS = re.compile(r"[0-9]+")
#: A word of letters and digits; a decimal point between digits keeps a number whole (0.4851343).
_WORD = re.compile(r"(?:[^\W_]|(?<=[0-9])\.(?=[0-9]))+")
_WHOLE_NUMBER = re.compile(r"(?<![0-9.])([0-9]+)\.0+(?![0-9])")
_MONTHS = {
    **{name.lower(): number for number, name in enumerate(calendar.month_name) if name},
    **{name.lower(): number for number, name in enumerate(calendar.month_abbr) if name},
    "sept": 9,
}
_ORDINAL = r"(?:st|nd|rd|th)?"
_DATE_FORMS = ("iso", "uk", "long", "us")
_DATE = re.compile(
    r"(?<![0-9])(?:"
    r"(?P<iso_y>[0-9]{4})-(?P<iso_m>[0-9]{1,2})-(?P<iso_d>[0-9]{1,2})"
    r"|(?P<uk_d>[0-9]{1,2})(?P<sep>[/.\-])(?P<uk_m>[0-9]{1,2})(?P=sep)(?P<uk_y>[0-9]{4})"
    rf"|(?P<long_d>[0-9]{{1,2}}){_ORDINAL}\s+(?:of\s+)?(?P<long_m>[a-z]{{3,9}})\.?,?\s+(?P<long_y>[0-9]{{4}})"
    rf"|(?P<us_m>[a-z]{{3,9}})\.?\s+(?P<us_d>[0-9]{{1,2}}){_ORDINAL},?\s+(?P<us_y>[0-9]{{4}})"
    r")(?![0-9])",
    re.IGNORECASE,
)


class IdentifierLeak(IcnReportError):
    """A public output contains an identifier of a person in the inputs, or cannot be checked for one."""


@dataclass(frozen=True)
class Hit:
    """One kind of identifier found in one file (never the identifier itself)."""

    file: Path
    kind: str


@dataclass(frozen=True, repr=False)
class Identifiers:
    """What must never appear in public outputs, built from the run's extracts (`from_extracts`, or `of` from
    plain values). Ids are held as they are matched: lower case, trimmed of punctuation at either end.
    `unchecked` counts, by kind, the distinct identifiers too short or too implausible to check;
    `longest_id_words` is the most words in one id ("ICN/2016/001" has three), so that matching stays quick."""

    referral_ids: frozenset[str] = frozenset()
    person_ids: frozenset[str] = frozenset()
    dates_of_birth: frozenset[dt.date] = frozenset()
    unchecked: Mapping[str, int] = field(default_factory=dict, compare=False)
    longest_id_words: int = 1

    @classmethod
    def from_extracts(cls, referrals: Extract, asc: Extract) -> "Identifiers":
        """The referral ids, person ids and dates of birth on every non-blank input row, quarantined or not."""
        births = _distinct_dates(pd.concat([_column(extract.raw, "date_of_birth") for extract in (referrals, asc)]))
        first_referral = _distinct_dates(_column(referrals.raw, "referral_date")).min()
        credible = births < first_referral if pd.notna(first_referral) else pd.Series(True, index=births.index)
        return cls._build(
            _column(referrals.raw, "referral_id"),
            _column(asc.raw, "person_id"),
            births[credible].dt.date,
            (~credible).sum(),
        )

    @classmethod
    def of(
        cls, referral_ids: Iterable[str] = (), person_ids: Iterable[str] = (), dates_of_birth: Iterable[dt.date] = ()
    ) -> "Identifiers":
        """Identifiers from plain values, ids as typed: too-short ids are set aside and counted."""
        referral_ids, person_ids = (pd.Series(list(ids), dtype="string") for ids in (referral_ids, person_ids))
        return cls._build(referral_ids, person_ids, dates_of_birth, 0)

    @classmethod
    def _build(
        cls, referral_ids: pd.Series, person_ids: pd.Series, dates_of_birth: Iterable[dt.date], unchecked_dates: int
    ) -> "Identifiers":
        referral, person = _checkable_ids(referral_ids), _checkable_ids(person_ids)
        unchecked = {REFERRAL_ID: referral.unchecked, PERSON_ID: person.unchecked, DATE_OF_BIRTH: int(unchecked_dates)}
        longest = max(referral.longest_words, person.longest_words)
        return cls(referral.ids, person.ids, frozenset(dates_of_birth), unchecked, longest)

    def __repr__(self) -> str:  # counts only: a repr in a log must not carry the identifiers themselves
        return (
            f"Identifiers({len(self.referral_ids)} referral ids, {len(self.person_ids)} person ids, "
            f"{len(self.dates_of_birth)} dates of birth, unchecked={dict(self.unchecked)})"
        )

    def unchecked_note(self) -> str:
        """One sentence for the run's log and data-quality notes; '' when everything could be checked."""
        parts = []
        ids = [
            f"{count:,} {_plural(kind, count)}"
            for kind in (REFERRAL_ID, PERSON_ID)
            if (count := self.unchecked.get(kind))
        ]
        if ids:
            parts.append(f"{' and '.join(ids)} too short to tell from ordinary words and figures")
        if count := self.unchecked.get(DATE_OF_BIRTH):
            parts.append(f"{count:,} {_plural(DATE_OF_BIRTH, count)} on or after the first referral date")
        return f"Not checked for in the public outputs: {'; '.join(parts)}." if parts else ""


def _plural(kind: str, count: int) -> str:
    return kind if count == 1 else _PLURALS[kind]


def _column(raw: pd.DataFrame, name: str) -> pd.Series:
    return raw[name] if name in raw.columns else pd.Series([], dtype="string")


@dataclass(frozen=True)
class _CheckableIds:
    ids: frozenset[str]
    unchecked: int
    longest_words: int


def _checkable_ids(raw: pd.Series) -> _CheckableIds:
    """Distinct ids as matched (lower case, single spaces, no punctuation at either end), how many distinct ids
    are too short or too plain to check, and the most words in one. Vectorised with pyarrow (RE2 patterns)."""
    distinct = np.asarray(raw.dropna().unique(), dtype=object)
    ids = pc.utf8_lower(pa.array(distinct, type=pa.string(), from_pandas=True))
    if pc.any(pc.match_substring_regex(ids, r"\s")).as_py():
        ids = pc.replace_substring_regex(ids, r"\s+", " ")
    ids = pc.unique(pc.replace_substring_regex(ids, r"^[^\pL\pN]+|[^\pL\pN]+$", ""))
    ids = pc.filter(ids, pc.not_equal(ids, ""))
    digits = pc.utf8_length(pc.replace_substring_regex(ids, r"[^0-9]+", ""))
    plain_number = pc.and_(pc.invert(pc.match_substring_regex(ids, r"\pL")), pc.less(digits, MIN_NUMERIC_ID_DIGITS))
    too_short = pc.or_(pc.less(pc.utf8_length(ids), MIN_ID_CHARACTERS), pc.equal(digits, 0))
    checked = pc.filter(ids, pc.invert(pc.or_(too_short, plain_number)))
    compound = pc.filter(checked, pc.invert(pc.utf8_is_alnum(checked))).to_pylist()
    longest = max((len(_WORD.findall(one)) for one in compound), default=1)
    return _CheckableIds(frozenset(checked.to_pylist()), len(ids) - len(checked), longest)


def _distinct_dates(raw: pd.Series) -> pd.Series:
    """The distinct dates written in a column, each distinct text parsed once (a million people share a few
    tens of thousands of birthdays)."""
    return parse_dates(raw.dropna().drop_duplicates()).dropna().drop_duplicates()


def scan_text(text: str, identifiers: Identifiers) -> set[str]:
    """The kinds of identifier found in one text."""
    found = set()
    if _nhs_numbers(text):
        found.add(NHS_NUMBER)
    if identifiers.referral_ids or identifiers.person_ids:
        words = _word_windows(text, identifiers.longest_id_words)
        if not words.isdisjoint(identifiers.referral_ids):
            found.add(REFERRAL_ID)
        if not words.isdisjoint(identifiers.person_ids):
            found.add(PERSON_ID)
    if identifiers.dates_of_birth and not identifiers.dates_of_birth.isdisjoint(_dates(text)):
        found.add(DATE_OF_BIRTH)
    return found


def _nhs_numbers(text: str) -> list[str]:
    """Ten-digit numbers written as an NHS number might be that pass Modulus 11."""
    candidates = set()
    for run in _DIGIT_RUN.findall(text):
        if len(run) < NHS_NUMBER_DIGITS:
            continue
        groups = _DIGITS.findall(run)
        lengths = [len(group) for group in groups]
        candidates.update(group for group in groups if len(group) == NHS_NUMBER_DIGITS)
        if len(groups) > 1 and sum(lengths) == NHS_NUMBER_DIGITS:
            candidates.add("".join(groups))
        for start in range(len(groups) - 2):
            if lengths[start : start + 3] == NHS_NUMBER_GROUPS:
                candidates.add("".join(groups[start : start + 3]))
    if not candidates:
        return []
    numbers = pd.Series(sorted(candidates), dtype="string")
    return numbers[passes_modulus_11(numbers).to_numpy()].tolist()


def _word_windows(text: str, longest: int) -> set[str]:
    """Every run of 1..longest consecutive words of the text, as written between them, in lower case. A whole
    number written as a decimal (4851343.0, as software writes a number column with blanks in it) is its number."""
    text = _WHOLE_NUMBER.sub(r"\1", text.lower())
    if longest <= 1:
        return set(_WORD.findall(text))
    text = re.sub(r"\s+", " ", text)
    spans = [match.span() for match in _WORD.finditer(text)]
    return {
        text[start : spans[last][1]]
        for first, (start, _) in enumerate(spans)
        for last in range(first, min(first + longest, len(spans)))
    }


def _dates(text: str) -> set[dt.date]:
    """Every date written in the text in a form a document would use (day before month, never US numbers)."""
    found = set()
    for match in _DATE.finditer(text):
        form = next(form for form in _DATE_FORMS if match[f"{form}_y"])
        month = match[f"{form}_m"]
        month_number = int(month) if month.isdigit() else _MONTHS.get(month.lower(), 0)
        with contextlib.suppress(ValueError):  # 31/02/1935, or a word that is not a month
            found.add(dt.date(int(match[f"{form}_y"]), month_number, int(match[f"{form}_d"])))
    return found


def scan_folder(folder: Path, identifiers: Identifiers) -> list[Hit]:
    """Every kind of identifier in every file under the folder (recursively), file by file in name order.
    A file that cannot be read is an IdentifierLeak: what cannot be checked cannot be published."""
    hits = []
    for path in sorted(path for path in Path(folder).rglob("*") if path.is_file()):
        text = readable_text(path, folder)
        if text is not None:
            kinds = scan_text(text, identifiers)
            hits.extend(Hit(path, kind) for kind in KINDS if kind in kinds)
    return hits


def check_public(folder: Path, identifiers: Identifiers) -> None:
    """Raise IdentifierLeak naming the first files with an identifier in them, and the kinds found."""
    hits = scan_folder(folder, identifiers)
    if not hits:
        return
    by_file: dict[Path, list[str]] = {}
    for hit in hits:
        by_file.setdefault(hit.file, []).append(hit.kind)
    named = [f"{_shown(path, folder)} contains {_kinds(kinds)}" for path, kinds in list(by_file.items())[:FILES_NAMED]]
    more = len(by_file) - FILES_NAMED
    if more > 0:
        named.append(f"{more} more file{'s' if more > 1 else ''} too")
    raise IdentifierLeak(f"{'; '.join(named)}; nothing was published")


def _shown(path: Path, folder: Path) -> str:
    """The file as the run's folder shows it: public/appendix.pdf."""
    return (Path(Path(folder).name) / Path(path).relative_to(folder)).as_posix()


def _kinds(kinds: list[str]) -> str:
    named = [f"{'an' if kind == NHS_NUMBER else 'a'} {kind}" for kind in kinds]
    return named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"


def readable_text(path: Path, folder: Path | None = None) -> str | None:
    """The text a reader of the file sees, cells and pages kept apart; None for an image. IdentifierLeak
    for a file of another type, or one that cannot be read."""
    suffix = path.suffix.lower()
    shown = _shown(path, folder) if folder is not None else str(path)
    if suffix in IMAGE_SUFFIXES:
        return None
    if not any(suffix in suffixes for suffixes in (HTML_SUFFIXES, PDF_SUFFIXES, WORKBOOK_SUFFIXES, TEXT_SUFFIXES)):
        raise IdentifierLeak(
            f"{shown} cannot be checked for identifiers (file type {suffix or '(none)'}); nothing was published"
        )
    try:
        if suffix in HTML_SUFFIXES:
            return visible_html_text(_read_text(path))
        if suffix in PDF_SUFFIXES:
            return pdf_text(path)
        if suffix in WORKBOOK_SUFFIXES:
            return workbook_text(path)
        return _read_text(path)
    except Exception as error:  # PDFium and openpyxl raise many kinds for a damaged file
        raise IdentifierLeak(
            f"{shown} cannot be read to check it for identifiers ({type(error).__name__}); nothing was published"
        ) from None


def _read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig", errors="replace").replace("\r\n", "\n")


def visible_html_text(markup: str) -> str:
    """The text of an HTML page as shown: text and shown attributes, blocks kept apart, no scripts, styles or
    `data:` URIs (so the digits of an embedded image are never read as an NHS number)."""
    from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

    unseen = (Comment, Declaration, Doctype, ProcessingInstruction)
    pieces: list[str] = []
    stack: list = [BeautifulSoup(markup, "html.parser")]
    while stack:
        node = stack.pop()
        if node is BLOCK_BREAK:  # the end of a block, pushed below
            pieces.append(BLOCK_BREAK)
        elif isinstance(node, NavigableString):
            if not isinstance(node, unseen):
                pieces.append(str(node))
        elif isinstance(node, Tag) and node.name not in HIDDEN_TAGS:
            shown = [str(node.get(name)) for name in SHOWN_ATTRIBUTES if node.get(name)]
            pieces.extend(BLOCK_BREAK + value + BLOCK_BREAK for value in shown if not _is_data_uri(value))
            if node.name not in INLINE_TAGS:
                pieces.append(BLOCK_BREAK)
                stack.append(BLOCK_BREAK)
            stack.extend(reversed(node.contents))
    return "".join(pieces)


def _is_data_uri(value: str) -> bool:
    return value.lstrip()[:5].lower() == "data:"


def pdf_text(path: Path) -> str:
    """The text of every page of a PDF, and its document information (title, author, subject, keywords)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    try:
        information = [str(value) for value in document.get_metadata_dict(skip_empty=True).values()]
        pages = [page.get_textpage().get_text_bounded() for page in document]
    finally:
        document.close()
    return BLOCK_BREAK.join([*information, *pages]).replace("\r\n", "\n")


def workbook_text(path: Path) -> str:
    """Every cell of every sheet as Excel shows it, with sheet names and document properties."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    try:
        properties = workbook.properties
        pieces = [str(value) for value in vars(properties).values() if isinstance(value, str)]
        for sheet in workbook.worksheets:
            pieces.append(sheet.title)
            pieces.extend(_shown_cell(cell) for row in sheet.iter_rows() for cell in row if cell.value is not None)
    finally:
        workbook.close()
    return BLOCK_BREAK.join(pieces)


def _shown_cell(cell) -> str:
    """A cell's value as Excel shows it: a number under a thousands format with its commas (1,460,000), a
    date as YYYY-MM-DD, anything else as written."""
    value = cell.value
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    number_format = getattr(cell, "number_format", "") or ""
    if isinstance(value, int | float) and not isinstance(value, bool) and "#,##" in number_format:
        decimals = re.search(r"0\.(0+)", number_format.split(";")[0])
        return f"{value:,.{len(decimals[1]) if decimals else 0}f}"
    return str(value)
