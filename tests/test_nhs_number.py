"""NHS number validity (SPEC.md definition 2; NHS Data Dictionary Modulus 11). Each case is worked by hand
in its comment: weights 10..2 on digits 1-9, check = 11 - (sum mod 11), 11 -> 0, 10 -> invalid."""

import pandas as pd
import pytest

from icnreport.nhs_number import INVALID, MISSING, VALID, is_valid_nhs_number, nhs_number_status


@pytest.mark.parametrize(
    "typed, valid",
    [
        # NHS Digital's published example: 9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2 = 299;
        # 299 mod 11 = 2; 11-2 = 9.
        ("943 476 5919", True),
        ("9434765919", True),
        ("943-476-5919", True),
        (" 943 476 5919 ", True),
        # Same first nine digits, wrong check digit.
        ("9434765918", False),
        # 1*10 + 1*2 = 12; 12 mod 11 = 1; 11-1 = 10: no check digit can make it valid.
        ("1000000010", False),
        ("1000000011", False),
        # 1*10 + 6*2 = 22; 22 mod 11 = 0; 11-0 = 11, which means a check digit of 0.
        ("1000000060", True),
        ("1000000061", False),
        # Nine digits; eleven digits; a letter.
        ("943476591", False),
        ("94347659190", False),
        ("94347659A9", False),
        # All ten digits alike: 0000000000 passes the arithmetic (sum 0 -> check 0) but is never issued;
        # 2222222222: 2*54 = 108; 108 mod 11 = 9; 11-9 = 2, so it passes too, and is refused likewise.
        ("0000000000", False),
        ("2222222222", False),
        # 9*10+9*9+9*8+2*2 = 247; 247 mod 11 = 5; 11-5 = 6.
        ("999 000 0026", True),
    ],
)
def test_modulus_11(typed: str, valid: bool) -> None:
    assert is_valid_nhs_number(typed) is valid


def test_status_separates_blank_from_invalid() -> None:
    typed = pd.Series(["943 476 5919", "", "   ", None, "943476591", "9434765918"])
    assert nhs_number_status(typed).tolist() == [VALID, MISSING, MISSING, MISSING, INVALID, INVALID]


def test_excel_scientific_notation_is_invalid_not_guessed() -> None:
    # Excel shows a long number as 9.43477E+09: the digits are lost, so it must not be treated as a number.
    assert nhs_number_status(pd.Series(["9.43477E+09"])).tolist() == [INVALID]
