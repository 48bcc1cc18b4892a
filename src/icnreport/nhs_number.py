"""NHS number: normalisation and the Modulus 11 check (NHS Data Dictionary, "NHS Number").

A valid NHS number is 10 digits; digits 1-9 are multiplied by the weights 10..2, the check digit is
11 - (sum mod 11), where 11 means 0 and 10 means the number is invalid. Numbers whose ten digits are all
the same (0000000000, 1111111111, ...) pass the arithmetic but are never issued, so they are invalid too.
"""

import numpy as np
import pandas as pd
import pyarrow as pa

#: NHS Data Dictionary: weights applied to digits 1 to 9.
MODULUS_11_WEIGHTS = np.arange(10, 1, -1)
MODULUS = 11
DIGITS = 10

VALID = "valid"
MISSING = "missing"
INVALID = "invalid"
STATUSES = [VALID, MISSING, INVALID]


def normalise_nhs_number(raw: pd.Series) -> pd.Series:
    """The NHS number as typed with spaces and hyphens stripped; blank (or absent) becomes ''."""
    text = raw.astype("string").fillna("")
    # Explicit characters rather than \\s keep the pattern in pyarrow (RE2), many times faster than Python's re.
    return text.str.replace(r"[ \t\r\n\-]", "", regex=True)


def nhs_number_status(raw: pd.Series) -> pd.Series:
    """`valid`, `missing` (blank) or `invalid` for each NHS number as typed."""
    return status_of_normalised(normalise_nhs_number(raw))


def status_of_normalised(digits: pd.Series, keys: np.ndarray | None = None) -> pd.Series:
    """The status of NHS numbers already normalised by `normalise_nhs_number` (and their keys, if known)."""
    keys = nhs_number_keys(digits) if keys is None else keys
    codes = np.full(len(digits), STATUSES.index(INVALID), dtype=np.int8)
    codes[(digits == "").to_numpy(dtype=bool, na_value=True)] = STATUSES.index(MISSING)
    codes[keys != NOT_VALID] = STATUSES.index(VALID)
    return pd.Series(pd.Categorical.from_codes(codes, categories=STATUSES), index=digits.index)


def passes_modulus_11(digits: pd.Series) -> pd.Series:
    """True where a normalised number is ten digits, not all alike, with a correct Modulus 11 check digit."""
    return pd.Series(nhs_number_keys(digits) != NOT_VALID, index=digits.index)


#: The key of a number that is not a valid NHS number.
NOT_VALID = -1
_PLACE_VALUES = 10 ** np.arange(DIGITS - 1, -1, -1, dtype=np.int64)


def nhs_number_keys(digits: pd.Series) -> np.ndarray:
    """Each valid normalised NHS number as a 64-bit integer (joins and look-ups on integers are many times
    faster than on text); NOT_VALID (-1) where the number is missing or invalid."""
    ten = digits.str.fullmatch(r"[0-9]{10}").fillna(False).to_numpy(dtype=bool)
    keys = np.full(len(digits), NOT_VALID, dtype=np.int64)
    if ten.any():
        matrix = _digit_matrix(digits[ten])
        remainder = (matrix[:, :9] @ MODULUS_11_WEIGHTS) % MODULUS
        check = (MODULUS - remainder) % MODULUS  # 11 - 0 = 11 means a check digit of 0
        all_alike = (matrix == matrix[:, :1]).all(axis=1)
        valid = (check != 10) & (check == matrix[:, 9]) & ~all_alike
        keys[ten] = np.where(valid, matrix @ _PLACE_VALUES, NOT_VALID)
    return keys


def _digit_matrix(numbers: pd.Series) -> np.ndarray:
    """Ten-digit ASCII strings as an n x 10 matrix of digits, read straight from Arrow's contiguous buffer."""
    array = pa.array(numbers)  # zero-copy for pandas' Arrow-backed strings
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    offset_type = np.int64 if pa.types.is_large_string(array.type) else np.int32
    offsets = np.frombuffer(array.buffers()[1], dtype=offset_type)[array.offset : array.offset + len(array) + 1]
    data = np.frombuffer(array.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    return (data.reshape(-1, DIGITS) - ord("0")).astype(np.int64)


def is_valid_nhs_number(value: str) -> bool:
    """Whether one NHS number, as typed, is valid."""
    return bool(passes_modulus_11(normalise_nhs_number(pd.Series([value]))).iloc[0])
