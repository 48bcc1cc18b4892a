"""The params file (YAML): a typed, validated model, refused before any work when a key is unknown,
missing or of the wrong kind. Paths in it are relative to the params file."""

import datetime as dt
import glob
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, ValidationInfo, field_validator

from icnreport.columns import ASC_COLUMNS, REFERRAL_COLUMNS, canonical_names
from icnreport.disclosure import ROUNDING_MULTIPLE, SUPPRESSION_THRESHOLD
from icnreport.errors import ParamsError

#: CS18067 section 4.7: "Projected Annual Effect" of a weekly cost, GBP 28k a week -> GBP 1,460k a year.
DEFAULT_DAYS_PER_YEAR = 365


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DataParams(_Strict):
    """Where the extracts are: the referrals file, and the CLD file(s) as a path, a list or a glob."""

    referrals: str
    asc: str | list[str]
    referrals_sheet: str | None = None
    asc_sheet: str | None = None


class ColumnParams(_Strict):
    """Local headings for canonical column names, e.g. `nhs_number: "NHS No."`."""

    referrals: dict[str, str] = Field(default_factory=dict)
    asc: dict[str, str] = Field(default_factory=dict)

    @field_validator("referrals")
    @classmethod
    def _known_referral_columns(cls, value: dict[str, str]) -> dict[str, str]:
        return _known(value, canonical_names(REFERRAL_COLUMNS))

    @field_validator("asc")
    @classmethod
    def _known_asc_columns(cls, value: dict[str, str]) -> dict[str, str]:
        return _known(value, canonical_names(ASC_COLUMNS))


def _known(mapping: dict[str, str], names: set[str]) -> dict[str, str]:
    unknown = sorted(set(mapping) - names)
    if unknown:
        raise ValueError(f"unknown column {unknown[0]!r}; known columns are {', '.join(sorted(names))}")
    return mapping


class CostParams(_Strict):
    """How weekly costs are annualised, and the staffing drawn down each year (GBP)."""

    days_per_year: Annotated[float, Field(gt=0)] = DEFAULT_DAYS_PER_YEAR
    staffing_per_year: Annotated[float, Field(ge=0)] = 0.0


class ReportParams(_Strict):
    """What the appendix's cover says, and the funding the drawdown is set against."""

    committee: str | None = None
    reference: str | None = None
    area_name: str | None = None
    title: str = "Integrated Care Networks: impact on adult social care"
    funding_years: Annotated[int, Field(ge=1)] | None = None
    budget: Annotated[float, Field(ge=0)] | None = None
    compare_with_cs18067: bool = False


class DisclosureParams(_Strict):
    """Statistical disclosure control of everything under `public/` (disclosure.py): counts from 1 to the
    threshold are suppressed, other counts rounded to the nearest multiple."""

    suppression_threshold: Annotated[int, Field(ge=0)] = SUPPRESSION_THRESHOLD
    rounding_multiple: Annotated[int, Field(ge=1)] = ROUNDING_MULTIPLE

    @field_validator("rounding_multiple")
    @classmethod
    def _no_count_rounds_to_zero(cls, multiple: int, info: ValidationInfo) -> int:
        smallest = info.data.get("suppression_threshold", SUPPRESSION_THRESHOLD) + 1
        if 2 * smallest < multiple:  # the smallest count shown would round down to 0
            raise ValueError(f"a count of {smallest} would be rounded to 0; use a multiple of at most {2 * smallest}")
        return multiple


class Params(_Strict):
    """One area's report settings."""

    area: Annotated[str, Field(min_length=1)]
    programme_start: dt.date
    networks: Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]
    data: DataParams
    columns: ColumnParams = Field(default_factory=ColumnParams)
    costs: CostParams = Field(default_factory=CostParams)
    follow_up_days: Annotated[int, Field(ge=1)] | None = None
    strict: bool = False
    report: ReportParams = Field(default_factory=ReportParams)
    disclosure: DisclosureParams = Field(default_factory=DisclosureParams)

    _source: Path = PrivateAttr(default=Path("params.yaml"))

    @field_validator("networks")
    @classmethod
    def _distinct_networks(cls, value: list[str]) -> list[str]:
        if len({name.casefold() for name in value}) != len(value):
            raise ValueError("networks are listed more than once")
        return value

    @property
    def source(self) -> Path:
        """The params file these settings came from."""
        return self._source

    def resolve(self, path: str) -> Path:
        """A path from the params file, relative to the folder the params file is in."""
        candidate = Path(path).expanduser()
        return candidate if candidate.is_absolute() else self._source.parent / candidate

    def referral_files(self) -> list[Path]:
        """The referrals extract."""
        return [self.resolve(self.data.referrals)]

    def asc_files(self) -> list[Path]:
        """The CLD extract files: each listed path, globs expanded (sorted); a glob matching nothing fails."""
        entries = [self.data.asc] if isinstance(self.data.asc, str) else self.data.asc
        files: list[Path] = []
        for entry in entries:
            path = self.resolve(entry)
            if glob.has_magic(str(path)):
                matches = sorted(Path(p) for p in glob.glob(str(path)))
                if not matches:
                    raise ParamsError(f"{self._source}: data.asc: no file matches {entry!r}")
                files.extend(matches)
            else:
                files.append(path)
        return files


def load_params(path: str | Path) -> Params:
    """Read and validate a params file; any fault is a ParamsError naming the file and the key."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ParamsError(f"{source}: params file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ParamsError(f"{source}: cannot read params file ({error})") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ParamsError(f"{source}: not valid YAML{where}") from None
    if not isinstance(raw, dict):
        raise ParamsError(f"{source}: expected a mapping of keys to values")
    try:
        params = Params.model_validate(raw)
    except ValidationError as error:
        raise ParamsError(f"{source}: {_describe(error)}") from None
    params._source = source
    return params


def _describe(error: ValidationError) -> str:
    """The first validation fault as one line that names the key."""
    first = error.errors()[0]
    key = ".".join(str(part) for part in first["loc"] if not isinstance(part, int))
    if first["type"] == "extra_forbidden":
        return f"unknown key {key!r}"
    if first["type"] == "missing":
        return f"missing required key {key!r}"
    message = first["msg"].removeprefix("Value error, ")
    return f"key {key!r}: {message}"
