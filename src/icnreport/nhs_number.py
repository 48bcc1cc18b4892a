"""NHS number: normalisation and the Modulus 11 check (NHS Data Dictionary, "NHS Number").

A valid NHS number is 10 digits; digits 1-9 are multiplied by the weights 10..2, the check digit is
11 - (sum mod 11), where 11 means 0 and 10 means the number is invalid. Numbers whose ten digits are all
the same (0000000000, 1111111111, ...) pass the arithmetic but are never issued, so they are invalid too.
"""

import numpy as np
import pandas as pd

#: NHS Data Dictionary: weights applied to digits 1 to 9.
MODULUS_11_WEIGHTS = np.arange(10, 1, -1)
MODULUS = 11

VALID = "valid"
MISSING = "missing"
INVALID = "invalid"


def normalise_nhs_number(raw: pd.Series) -> pd.Series:
    """The NHS number as typed with spaces and hyphens stripped; blank (or absent) becomes ''."""
    text = raw.astype("string").fillna("")
    return text.str.replace(r"[\s\-]", "", regex=True)


def nhs_number_status(raw: pd.Series) -> pd.Series:
    """`valid`, `missing` (blank) or `invalid` for each NHS number as typed."""
    digits = normalise_nhs_number(raw)
    status = np.full(len(digits), INVALID, dtype=object)
    status[(digits == "").to_numpy()] = MISSING
    status[passes_modulus_11(digits).to_numpy()] = VALID
    return pd.Series(status, index=raw.index, dtype="string")


def passes_modulus_11(digits: pd.Series) -> pd.Series:
    """True where a normalised number is ten digits, not all alike, with a correct Modulus 11 check digit."""
    ten = digits.str.fullmatch(r"\d{10}").fillna(False).to_numpy(dtype=bool)
    result = np.zeros(len(digits), dtype=bool)
    if ten.any():
        candidates = digits.to_numpy(dtype=object)[ten].astype("U10")
        matrix = candidates.view("<U1").reshape(-1, 10).astype(np.int64)
        remainder = (matrix[:, :9] @ MODULUS_11_WEIGHTS) % MODULUS
        check = (MODULUS - remainder) % MODULUS  # 11 - 0 = 11 means a check digit of 0
        all_alike = (matrix == matrix[:, :1]).all(axis=1)
        result[ten] = (check != 10) & (check == matrix[:, 9]) & ~all_alike
    return pd.Series(result, index=digits.index)


def is_valid_nhs_number(value: str) -> bool:
    """Whether one NHS number, as typed, is valid."""
    return bool(passes_modulus_11(normalise_nhs_number(pd.Series([value]))).iloc[0])
