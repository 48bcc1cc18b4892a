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
