"""The quick paths taken for speed give what the plain paths give: integer codes for ids that are plain
numbers, text trimmed by Arrow directly, NHS numbers with separators stripped literally."""

import pandas as pd
import pytest

from icnreport.distinct import codes_of, factorize
from icnreport.nhs_number import nhs_numbers
from icnreport.tables import as_text


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
