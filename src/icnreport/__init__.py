"""icnreport: a reproducible ICN committee appendix from a referrals extract and the council's CLD extract.

Data flows one way: params -> extracts -> cohort -> outcomes -> costs -> figures -> appendix.
"""

__version__ = "0.1.0"
