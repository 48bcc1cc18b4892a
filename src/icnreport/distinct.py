"""Work done once per distinct value. Extract columns repeat a few thousand values (dates, frequencies,
event types, networks, costs) across millions of rows: parsing each distinct value once and spreading the
results back is many times faster than parsing every cell. Text held by Arrow (as the readers give it) is
encoded by Arrow's hash kernels, which hold no Python objects and release the GIL."""

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def arrow_text(values: pd.Series) -> pa.ChunkedArray | None:
    """The Arrow text behind a pandas Series of Arrow-backed strings (no copy); None for any other Series."""
    if not isinstance(values.array, pd.arrays.ArrowStringArray):
        return None
    text = pa.array(values.array)
    return text if isinstance(text, pa.ChunkedArray) else pa.chunked_array([text])


def text_of(values: pd.Series) -> pa.ChunkedArray:
    """Any Series as Arrow text, missing values as '' (no copy for Arrow-backed text without gaps)."""
    text = arrow_text(values)
    if text is None:
        text = pa.chunked_array([pa.array(values.astype("string").fillna("").tolist(), pa.large_string())])
    return pc.fill_null(text, "") if text.null_count else text


def factorize(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Each value's code (0, 1, ... in order of first appearance) and the distinct values, as pd.factorize
    gives them, except that a missing value is one distinct value too (never the code -1)."""
    text = arrow_text(values)
    if text is None:
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
        return np.asarray(codes), pd.Series(uniques, dtype=values.dtype)
    encoded = pc.dictionary_encode(text, null_encoding="encode")  # one dictionary shared by every chunk
    if encoded.num_chunks == 0:
        return np.zeros(0, dtype=np.int32), pd.Series([], dtype=values.dtype)
    codes = np.concatenate([chunk.indices.to_numpy(zero_copy_only=False) for chunk in encoded.chunks])
    uniques = pa.chunked_array([encoded.chunk(encoded.num_chunks - 1).dictionary.cast(pa.large_string())])
    return codes, pd.Series(pd.arrays.ArrowStringArray(uniques)).astype(values.dtype)


#: Ids of up to this many digits fit a 64-bit integer.
LONGEST_NUMERIC_ID = 18


def codes_of(values: pd.Series) -> np.ndarray:
    """Each value's integer code, 0, 1, ... in order of first appearance: equal values share a code (for
    joins and grouping on integers). Ids that are all plain numbers (digits, no leading zero, as councils'
    person ids often are), or one shared prefix and then digits of one width (`ICN0000001`), are read as
    numbers first, which hashes many times faster than text."""
    text = arrow_text(values)
    if text is not None and len(text) and not text.null_count:
        prefix = str(text[0].as_py()).rstrip("0123456789")
        if _numbered(text.slice(0, SAMPLE), prefix) is not None:
            digits = _numbered(text, prefix)
            if digits is not None:  # one number per text, one text per number
                return pd.factorize(pc.cast(digits, pa.int64()).to_numpy())[0]
    return factorize(values)[0]


def _numbered(text: pa.ChunkedArray, prefix: str) -> pa.ChunkedArray | None:
    """The digits of each text, when every text is plain digits (`_plain_numbers`) or, after a prefix every
    text shares, digits of one width: either way, reading the digits as a number gives each distinct text a
    distinct number. None for any other text."""
    if not prefix:
        return text if _plain_numbers(text) else None
    if not prefix.isascii() or not pc.all(pc.starts_with(text, prefix)).as_py():
        return None
    digits = pc.utf8_slice_codeunits(text, len(prefix))  # the prefix is ASCII: its characters are its bytes
    width = pc.min_max(pc.binary_length(digits)).as_py()
    if width["min"] != width["max"] or not 0 < width["min"] <= LONGEST_NUMERIC_ID:
        return None
    return digits if pc.all(pc.ascii_is_decimal(digits)).as_py() else None


#: How many of a column's first values are looked at before the whole column is checked for plain numbers.
SAMPLE = 100


def _plain_numbers(text: pa.ChunkedArray) -> bool:
    """Whether every text is digits only, no leading zero, short enough for a 64-bit integer."""
    length = pc.binary_length(text)
    short = pc.and_(
        pc.less_equal(length, LONGEST_NUMERIC_ID), pc.or_(pc.equal(length, 1), pc.invert(pc.starts_with(text, "0")))
    )
    return bool(pc.all(pc.and_(pc.ascii_is_decimal(text), short)).as_py())


def map_distinct(values: pd.Series, transform: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """`transform` applied to the distinct values only, the results put back in place of every value.
    Missing values are passed to `transform` as one distinct value too."""
    codes, uniques = factorize(values)
    distinct = transform(uniques.reset_index(drop=True))
    result = distinct.take(codes)
    result.index = values.index
    return result


def categorise(values: pd.Series, transform: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Like `map_distinct` for a text `transform` whose results repeat (normalised codes), giving a
    categorical Series: later look-ups, comparisons and maps then work on the few categories only."""
    codes, uniques = factorize(values)
    keys = transform(uniques.reset_index(drop=True)).astype(object).to_numpy()
    key_codes, categories = pd.factorize(keys)
    return pd.Series(pd.Categorical.from_codes(key_codes[codes], categories=categories), index=values.index)
