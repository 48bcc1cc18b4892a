"""Who reads the appendix. `restricted`: exact figures, for Part Two papers and analysts. `public`: the
figures after disclosure control, safe to attach to public committee papers and publish."""

PUBLIC = "public"
RESTRICTED = "restricted"
AUDIENCES = (PUBLIC, RESTRICTED)
#: Notebook output metadata naming the one audience an output is for; an output without it is for all.
AUDIENCE_KEY = "icnreport_audience"
