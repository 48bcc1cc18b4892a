"""The quick paths taken for speed give what the plain paths give: integer codes for ids that are plain
numbers, text trimmed by Arrow directly, NHS numbers with separators stripped literally."""

import pandas as pd
import pyarrow as pa
import pytest
from conftest import NHS_A, NHS_B, asc_extract, figures_of

from icnreport.distinct import codes_of, factorize
from icnreport.nhs_number import nhs_numbers
from icnreport.outcomes import link_services
from icnreport.tables import as_text, trimmed_text


@pytest.mark.parametrize(
    "ids, codes",
    [
        pytest.param(["10", "7", "10", "0", "7"], [0, 1, 0, 2, 1], id="plain-numbers"),
        # "07" and "7" are different ids: a leading zero keeps the column on the text path.
        pytest.param(["7", "07", "7"], [0, 1, 0], id="leading-zero"),
        pytest.param(["P1", "P2", "P1"], [0, 1, 0], id="text"),
        # 19 digits do not fit a 64-bit integer: text path, still one code per id.
        pytest.param(["1234567890123456789", "1", "1234567890123456789"], [0, 1, 0], id="too-long"),
        pytest.param(["5", "", "5"], [0, 1, 0], id="blank"),
        # A shared prefix and digits of one width are read as numbers: the zeros are part of the width.
        pytest.param(["ICN0010", "ICN0002", "ICN0010"], [0, 1, 0], id="prefix-and-digits"),
        # Digits of different widths after a prefix ("A01", "A1") stay text: one code per id still.
        pytest.param(["A01", "A1", "A01"], [0, 1, 0], id="prefix-different-widths"),
        pytest.param(["A1", "B1", "A1"], [0, 1, 0], id="prefix-not-shared"),
        pytest.param(["é1", "é2", "é1"], [0, 1, 0], id="prefix-not-ascii"),
        pytest.param(["ICN", "ICN"], [0, 0], id="prefix-only"),
    ],
)
def test_codes_follow_first_appearance_whatever_the_path(ids, codes):
    values = pd.Series(ids, dtype="string[pyarrow]")
    assert codes_of(values).tolist() == codes
    assert factorize(values)[0].tolist() == codes


@pytest.mark.parametrize(
    "cells, text",
    [
        pytest.param(["a", "b c", ""], ["a", "b c", ""], id="nothing-to-trim"),
        pytest.param([" a", "b\t", "c"], ["a", "b", "c"], id="ascii-space"),
        pytest.param(["a\u00a0", "\u3000b", "c"], ["a", "b", "c"], id="no-break-and-ideographic-space"),
        pytest.param(["é", "aé", None], ["é", "aé", ""], id="accented-letters-are-not-space"),
    ],
)
def test_arrow_text_is_trimmed_of_any_white_space(cells, text):
    assert as_text(pd.Series(cells, dtype="string[pyarrow]")).tolist() == text


def test_nhs_numbers_with_each_separator():
    """4000000004 (check digit 4: 4x10 = 40, 40 mod 11 = 7, 11 - 7 = 4) written with each separator."""
    typed = pd.Series(["400 000 0004", "400-000-0004", "400\t000\t0004", "4000000004\r\n", "400.000.0004"])
    keys, status = nhs_numbers(typed.astype("string[pyarrow]"))
    assert keys.tolist() == [4000000004, 4000000004, 4000000004, 4000000004, -1]
    assert status.tolist() == ["valid", "valid", "valid", "valid", "invalid"]


@pytest.mark.parametrize(
    "cells, text",
    [
        # Only a text's first and last characters are looked at: space or a character of two or more bytes
        # (é, a no-break space) at either end sends the column to Arrow's trimming; inside, it does not.
        pytest.param(["a b", "aéb", "x\u00a0y", ""], ["a b", "aéb", "x\u00a0y", ""], id="inner-space-kept"),
        pytest.param(["é", "aé", "b"], ["é", "aé", "b"], id="accent-at-an-end-is-not-space"),
        pytest.param(["\u00a0a", "b\u3000", "c"], ["a", "b", "c"], id="unicode-space-at-an-end"),
        pytest.param(["a", "\x7f", "b\x1f"], ["a", "\x7f", "b"], id="control-characters"),
    ],
)
def test_text_trimmed_only_where_an_end_may_be_space(cells, text):
    for kind in (pa.string(), pa.large_string()):
        assert trimmed_text(pa.chunked_array([pa.array(cells, kind)])).to_pylist() == text


def test_text_with_nothing_to_trim_is_not_copied():
    text = pa.chunked_array([pa.array(["P1", "4000000004", ""], pa.large_string())])
    assert trimmed_text(text) is text


def test_a_slice_is_trimmed_by_its_own_texts():
    """A chunk that is a slice of a longer array starts part-way into Arrow's buffers: ' b' before the
    slice does not count, ' c' inside it does."""
    whole = pa.array([" b", "a", " c"], pa.large_string())
    assert trimmed_text(pa.chunked_array([whole.slice(1, 1)])).to_pylist() == ["a"]
    assert trimmed_text(pa.chunked_array([whole.slice(1, 2)])).to_pylist() == ["a", "c"]


# The figures read the CLD rows that passed their checks without copying them: a quarantined row must still
# count for nothing. NHS_A is referred on 15 January 2017: before day 14 January, after day 30 June 2017.
REFERRAL = {"referral_id": "R1", "nhs_number": NHS_A, "referral_date": "2017-01-15", "network": "East"}
SERVICE_ROW = {"person_id": "P1", "nhs_number": NHS_A, "event_start_date": "2016-01-01", "unit_cost": "100"}


def test_a_quarantined_cld_row_tracks_nobody():
    # The only CLD row of NHS_A has a negative unit cost: quarantined, so NHS_A is not known to ASC.
    figures = figures_of([REFERRAL], [{**SERVICE_ROW, "unit_cost": "-5"}])
    assert figures.quarantined == {"negative unit cost": 1}
    assert (figures.tracked, figures.untracked_reasons["not_known_to_asc"]) == (0, 1)


def test_a_quarantined_service_row_costs_nothing():
    """P1 (NHS_A) has a good GBP 100 weekly service from 2016 on, and a GBP 40 weekly one on P2 (also NHS_A,
    through a good Assessment row) whose unreadable end date quarantines it: GBP 100 before and after,
    unchanged; the quarantined row (which, read as open-ended, would make it GBP 140) adds nothing."""
    asc = [
        SERVICE_ROW,
        {**SERVICE_ROW, "person_id": "P2", "event_type": "Assessment", "unit_cost": ""},
        {**SERVICE_ROW, "person_id": "P2", "unit_cost": "40", "event_end_date": "soon"},
    ]
    figures = figures_of([REFERRAL], asc)
    assert figures.quarantined == {"unparseable event_end_date": 1}
    assert (figures.weekly_cost_before, figures.weekly_cost_after) == (100.0, 100.0)
    assert figures.outcomes["unchanged"] == 1
    assert figures.warnings["service_rows_repeating_an_earlier_row"] == 0


def test_invalid_nhs_numbers_are_noted_on_kept_cld_rows_only():
    # 9434765910 fails Modulus 11 (check digit 9, not 0). Two rows carry it; the second is quarantined.
    asc = [
        {**SERVICE_ROW, "nhs_number": "9434765910"},
        {**SERVICE_ROW, "nhs_number": "9434765910", "event_type": "Visit"},
    ]
    figures = figures_of([REFERRAL], asc)
    assert figures.quarantined == {"unknown event type": 1}
    assert figures.warnings["asc_rows_with_invalid_nhs_number"] == 1


def test_only_exact_repeats_of_a_service_count_once():
    """Four Service rows of P1 (NHS_A), none ended: GBP 100 weekly from 1 January 2016; GBP 50 weekly from the
    same day (same person and start, another cost: not a repeat); the first row again (a repeat); GBP 100
    weekly from 1 February 2016. Before and after: 100 + 50 + 100 = GBP 250, one repeat."""
    first = {**SERVICE_ROW, "event_start_date": "2016-01-01", "unit_cost": "100"}
    asc = [first, {**first, "unit_cost": "50"}, first, {**first, "event_start_date": "2016-02-01"}]
    figures = figures_of([REFERRAL], asc)
    assert (figures.weekly_cost_before, figures.weekly_cost_after) == (250.0, 250.0)
    assert figures.warnings["service_rows_repeating_an_earlier_row"] == 1


def test_services_are_linked_alike_whatever_the_person_id_codes():
    """Person ids are codes 0, 1, ... from the reader, looked up in a table; codes far apart (as another
    caller might pass) are looked up by hashing: the same links either way. P1 and P2 carry NHS_A (P2 also
    on a row with no NHS number, and on one with NHS_B: two NHS numbers); P3 carries NHS_B only, and NHS_B
    was not referred. NHS_A's services: P1's GBP 100, then P2's GBP 30, 20 and 10, in the file's order."""
    asc = asc_extract(
        [
            {**SERVICE_ROW, "person_id": "P1"},
            {**SERVICE_ROW, "person_id": "P2", "unit_cost": "30"},
            {**SERVICE_ROW, "person_id": "P2", "nhs_number": "", "unit_cost": "20"},
            {**SERVICE_ROW, "person_id": "P2", "nhs_number": NHS_B, "unit_cost": "10"},
            {**SERVICE_ROW, "person_id": "P3", "nhs_number": NHS_B},
        ]
    ).rows
    people = pd.DataFrame({"nhs_number": pd.array([int(NHS_A)], dtype="Int64")})
    dense = link_services(people, asc)
    sparse = link_services(people, asc.assign(person_id=asc["person_id"].astype("int64") * 10**12 + 7))
    for linked in (dense, sparse):
        assert linked.services["unit_cost"].tolist() == [100.0, 30.0, 20.0, 10.0]
        assert linked.services["asc_row"].tolist() == [0, 1, 2, 3]
        assert linked.person_ids_with_several_nhs_numbers == 1


def test_blank_rows_are_those_empty_in_every_data_column_whichever_column_rules_them_out():
    from icnreport.extracts import _blank_rows
    from icnreport.tables import FAULT

    text = "string[pyarrow]"
    raw = pd.DataFrame(
        {
            FAULT: pd.Series([None, None, None, "3 fields", None, None], dtype=text),
            "a": pd.Series(["x", "", "", "", "y", ""], dtype=text),
            "b": pd.Series(["", "", "z", "", "", ""], dtype=text),
            "c": pd.Series([1.0, None, None, None, None, 2.0]),
        }
    )
    assert _blank_rows(raw, ["a", "b", "c"]).tolist() == [False, True, False, False, False, False]
    assert _blank_rows(raw, []).tolist() == [True, True, True, False, True, True]
