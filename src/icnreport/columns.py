"""The columns each extract must or may carry (SPEC.md "Inputs"), with the headings each is known by."""

from dataclasses import dataclass, field

#: What a column holds, so that a value a Parquet or Excel file has already typed (a date cell, a number) is
#: kept as it is rather than written out as text and parsed back. A text cell is parsed as always.
TEXT = "text"
DATE = "date"
NUMBER = "number"
NHS_NUMBER = "nhs_number"


@dataclass(frozen=True)
class Column:
    """One canonical column: its name, whether a file must have it, other headings it goes by, and what it
    holds (`TEXT`, `DATE`, `NUMBER` or `NHS_NUMBER`)."""

    name: str
    required: bool = False
    aliases: tuple[str, ...] = field(default_factory=tuple)
    kind: str = TEXT


REFERRAL_COLUMNS: tuple[Column, ...] = (
    Column("referral_id", required=True, aliases=("Referral ID", "Referral Reference")),
    Column("nhs_number", aliases=("NHS No",), kind=NHS_NUMBER),
    Column("referral_date", required=True, aliases=("Date of Referral", "Referral Received Date"), kind=DATE),
    Column("network", required=True, aliases=("ICN", "Integrated Care Network")),
    Column("date_of_birth", aliases=("DOB",), kind=DATE),
    Column("age", aliases=("Age at Referral",), kind=NUMBER),
    Column("gp_practice", aliases=("GP Practice Code", "Practice Code", "ODS Code")),
)

#: Client Level Data (CLD) Release 1 headings, under the short names this project uses for them.
ASC_COLUMNS: tuple[Column, ...] = (
    Column("person_id", required=True, aliases=("LA Person Unique Identifier",)),
    Column("nhs_number", required=True, aliases=("NHS Number", "NHS No"), kind=NHS_NUMBER),
    Column("date_of_birth", aliases=("Date of Birth",), kind=DATE),
    Column("event_type", required=True, aliases=("Event Type",)),
    Column("event_start_date", required=True, aliases=("Event Start Date",), kind=DATE),
    Column("event_end_date", required=True, aliases=("Event End Date",), kind=DATE),
    Column("service_type", aliases=("Service Type",)),
    Column("service_component", aliases=("Service Component",)),
    Column("unit_cost", required=True, aliases=("Unit Cost",), kind=NUMBER),
    Column("cost_frequency", required=True, aliases=("Cost Frequency (Unit Type)", "Cost Frequency")),
    Column("planned_units_per_week", aliases=("Planned units per week",), kind=NUMBER),
)

#: Referrals need an age: from date_of_birth, or the age column where there is no date of birth.
REFERRAL_AGE_COLUMNS = ("date_of_birth", "age")


def canonical_names(columns: tuple[Column, ...]) -> set[str]:
    """The canonical names of a set of columns, for checking a params heading map."""
    return {column.name for column in columns}
