"""pressfacts: humanitarian press releases -> DuckDB facts warehouse.

Pipeline: raw files -> articles -> extracted facts -> raw schema -> dbt marts -> checks.
"""

__version__ = "0.1.0"
