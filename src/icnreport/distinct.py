"""Work done once per distinct value. Extract columns repeat a few thousand values (dates, frequencies,
event types, networks, costs) across millions of rows: parsing each distinct value once and spreading the
results back is many times faster than parsing every cell."""

from collections.abc import Callable

import numpy as np
import pandas as pd


def map_distinct(values: pd.Series, transform: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """`transform` applied to the distinct values only, the results put back in place of every value.
    Missing values are passed to `transform` as one distinct value too."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    distinct = transform(pd.Series(uniques, dtype=values.dtype))
    result = distinct.take(np.asarray(codes))
    result.index = values.index
    return result


def categorise(values: pd.Series, transform: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Like `map_distinct` for a text `transform` whose results repeat (normalised codes), giving a
    categorical Series: later look-ups, comparisons and maps then work on the few categories only."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    keys = transform(pd.Series(uniques, dtype=values.dtype)).astype(object).to_numpy()
    key_codes, categories = pd.factorize(keys)
    return pd.Series(pd.Categorical.from_codes(key_codes[codes], categories=categories), index=values.index)
