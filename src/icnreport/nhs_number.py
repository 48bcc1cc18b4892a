"""NHS number: normalisation and the Modulus 11 check (NHS Data Dictionary, "NHS Number").

A valid NHS number is 10 digits; digits 1-9 are multiplied by the weights 10..2, the check digit is
11 - (sum mod 11), where 11 means 0 and 10 means the number is invalid. Numbers whose ten digits are all
the same (0000000000, 1111111111, ...) pass the arithmetic but are never issued, so they are invalid too.

A file may hold NHS numbers as text (as typed, with spaces or hyphens) or as numbers (a Parquet int64 column,
a number cell in Excel): a number is read as the digits it would be written with, so 4000000004 is the NHS
number `4000000004` and a whole float 4000000004.0 is too.
"""

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from icnreport.distinct import text_of

#: NHS Data Dictionary: weights applied to digits 1 to 9 (digit 9, just before the check digit, weighs 2).
MODULUS_11_WEIGHTS = np.arange(10, 1, -1)
MODULUS = 11
DIGITS = 10
#: Ten-digit numbers run from 10^9 (a number written without a leading zero) to 10^10 - 1.
TEN_DIGITS_FROM, TEN_DIGITS_TO = 10 ** (DIGITS - 1), 10**DIGITS - 1
#: A ten-digit number whose digits are all alike is a multiple of 1111111111.
ALL_ALIKE = (10**DIGITS - 1) // 9

VALID = "valid"
MISSING = "missing"
INVALID = "invalid"
STATUSES = [VALID, MISSING, INVALID]
#: What people type between the groups of digits; explicit characters rather than \\s keep the pattern in
#: pyarrow (RE2), many times faster than Python's re.
SEPARATORS = r"[ \t\r\n\-]"
SEPARATOR_CHARACTERS = " \t\r\n-"  # the same characters, for literal replacement

#: The key of a number that is not a valid NHS number.
NOT_VALID = -1


def normalise_nhs_number(raw: pd.Series) -> pd.Series:
    """The NHS number as typed with spaces and hyphens stripped; blank (or absent) becomes ''."""
    text = raw.astype("string").fillna("")
    return text.str.replace(SEPARATORS, "", regex=True)


def nhs_number_status(raw: pd.Series) -> pd.Series:
    """`valid`, `missing` (blank) or `invalid` for each NHS number as typed."""
    return nhs_numbers(raw)[1]


def status_of_normalised(digits: pd.Series, keys: np.ndarray | None = None) -> pd.Series:
    """The status of NHS numbers already normalised by `normalise_nhs_number` (and their keys, if known)."""
    keys = nhs_number_keys(digits) if keys is None else keys
    return _status(keys, (digits == "").to_numpy(dtype=bool, na_value=True), digits.index)


def _status(keys: np.ndarray, missing: np.ndarray, index: pd.Index) -> pd.Series:
    codes = np.full(len(keys), STATUSES.index(INVALID), dtype=np.int8)
    codes[missing] = STATUSES.index(MISSING)
    codes[keys != NOT_VALID] = STATUSES.index(VALID)
    return pd.Series(pd.Categorical.from_codes(codes, categories=STATUSES), index=index)


def passes_modulus_11(digits: pd.Series) -> pd.Series:
    """True where a normalised number is ten digits, not all alike, with a correct Modulus 11 check digit."""
    return pd.Series(nhs_number_keys(digits) != NOT_VALID, index=digits.index)


def nhs_number_keys(digits: pd.Series) -> np.ndarray:
    """Each valid normalised NHS number as a 64-bit integer (joins and look-ups on integers are many times
    faster than on text); NOT_VALID (-1) where the number is missing or invalid."""
    return _keys_of_text(text_of(digits))


def _keys_of_text(text: pa.ChunkedArray) -> np.ndarray:
    """The key of each text that is exactly ten ASCII digits (0-9) making a valid number; NOT_VALID elsewhere."""
    keys = np.full(len(text), NOT_VALID, dtype=np.int64)
    ten = pc.and_(pc.equal(pc.binary_length(text), DIGITS), pc.ascii_is_decimal(text))
    ten = ten.to_numpy(zero_copy_only=False).astype(bool)
    if ten.any():
        keys[ten] = valid_keys(pc.cast(pc.filter(text, ten), pa.int64()).to_numpy())
    return keys


def valid_keys(numbers: np.ndarray) -> np.ndarray:
    """Ten-digit numbers (0 to 10^10 - 1, the digits as written, leading zeros and all) that pass the Modulus
    11 check and are not all one digit, as themselves; NOT_VALID for the rest. Integer arithmetic, one digit
    at a time, so that no matrix of digits is held."""
    rest = numbers // 10
    total = np.zeros(len(numbers), dtype=np.int64)
    for weight in MODULUS_11_WEIGHTS[::-1]:  # from digit 9 (weight 2) back to digit 1 (weight 10)
        total += (rest % 10) * weight
        rest //= 10
    check = (MODULUS - total % MODULUS) % MODULUS  # 11 - 0 = 11 means a check digit of 0
    valid = (check != 10) & (check == numbers % 10) & (numbers % ALL_ALIKE != 0)
    return np.where(valid, numbers, NOT_VALID)


def nhs_numbers(raw: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """NHS numbers as a file holds them (text as typed, or numbers): their integer keys (NOT_VALID where
    missing or invalid) and their status (`valid`, `missing`, `invalid`)."""
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        return _typed_numbers(raw)
    return _text_numbers(text_of(raw), raw.index)


def _text_numbers(text: pa.ChunkedArray, index: pd.Index) -> tuple[np.ndarray, pd.Series]:
    """Keys and status of NHS numbers typed as text. Most are valid as they stand; only the rest have their
    separators stripped (the slow part) and are looked at again."""
    keys = _keys_of_text(text)
    missing = pc.equal(text, "").to_numpy(zero_copy_only=False).astype(bool)
    others = np.flatnonzero((keys == NOT_VALID) & ~missing)
    if len(others):
        stripped = _without_separators(pc.take(text, others))
        missing[others] = pc.equal(stripped, "").to_numpy(zero_copy_only=False).astype(bool)
        keys[others] = _keys_of_text(stripped)
    return keys, _status(keys, missing, index)


def _without_separators(text: pa.ChunkedArray) -> pa.ChunkedArray:
    """Text with SEPARATORS removed: literal replacements, many times quicker than the pattern, for each
    separator the text holds (usually only spaces)."""
    for separator in SEPARATOR_CHARACTERS:
        if pc.any(pc.match_substring(text, separator)).as_py():
            text = pc.replace_substring(text, separator, "")
    return text


def _typed_numbers(raw: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Keys and status of NHS numbers a file typed as numbers. A number is the digits it is written with: a
    whole number of ten digits (its sign is a hyphen, which is stripped as in text), never a fraction."""
    missing = raw.isna().to_numpy()
    values = raw.to_numpy(dtype="float64" if pd.api.types.is_float_dtype(raw) else "int64", na_value=0)
    if values.dtype.kind == "f":
        finite = np.isfinite(values)
        whole = finite & (np.where(finite, values, 0.0) % 1 == 0)
        size = np.where(whole, np.abs(values), -1.0)
    else:
        size = np.abs(values)  # the most negative int64 stays negative: not ten digits either way
    ten = ~missing & (size >= TEN_DIGITS_FROM) & (size <= TEN_DIGITS_TO)
    keys = np.full(len(raw), NOT_VALID, dtype=np.int64)
    keys[ten] = valid_keys(size[ten].astype(np.int64))
    return keys, _status(keys, missing, raw.index)


def is_valid_nhs_number(value: str) -> bool:
    """Whether one NHS number, as typed, is valid."""
    return bool(passes_modulus_11(normalise_nhs_number(pd.Series([value]))).iloc[0])
