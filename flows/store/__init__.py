"""Stage 4, the warehouse: raw-table schema and frames, the private build (lock, copy, publish), run records, dbt."""
