"""The columns each extract must or may carry (SPEC.md "Inputs"), with the headings each is known by."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    """One canonical column: its name, whether a file must have it, and other headings it goes by."""

    name: str
    required: bool = False
    aliases: tuple[str, ...] = field(default_factory=tuple)


REFERRAL_COLUMNS: tuple[Column, ...] = (
    Column("referral_id", required=True, aliases=("Referral ID", "Referral Reference")),
    Column("nhs_number", aliases=("NHS No",)),
    Column("referral_date", required=True, aliases=("Date of Referral", "Referral Received Date")),
    Column("network", required=True, aliases=("ICN", "Integrated Care Network")),
    Column("date_of_birth", aliases=("DOB",)),
    Column("age", aliases=("Age at Referral",)),
    Column("gp_practice", aliases=("GP Practice Code", "Practice Code", "ODS Code")),
)

#: Client Level Data (CLD) Release 1 headings, under the short names this project uses for them.
ASC_COLUMNS: tuple[Column, ...] = (
    Column("person_id", required=True, aliases=("LA Person Unique Identifier",)),
    Column("nhs_number", required=True, aliases=("NHS Number", "NHS No")),
    Column("date_of_birth", aliases=("Date of Birth",)),
    Column("event_type", required=True, aliases=("Event Type",)),
    Column("event_start_date", required=True, aliases=("Event Start Date",)),
    Column("event_end_date", required=True, aliases=("Event End Date",)),
    Column("service_type", aliases=("Service Type",)),
    Column("service_component", aliases=("Service Component",)),
    Column("unit_cost", required=True, aliases=("Unit Cost",)),
    Column("cost_frequency", required=True, aliases=("Cost Frequency (Unit Type)", "Cost Frequency")),
    Column("planned_units_per_week", aliases=("Planned units per week",)),
)

#: Referrals need an age: from date_of_birth, or the age column where there is no date of birth.
REFERRAL_AGE_COLUMNS = ("date_of_birth", "age")


def canonical_names(columns: tuple[Column, ...]) -> set[str]:
    """The canonical names of a set of columns, for checking a params heading map."""
    return {column.name for column in columns}
