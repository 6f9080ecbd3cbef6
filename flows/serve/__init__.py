"""Stage 6, serving: exports (Parquet, CSV), the HTML report and the docs landing page, all read-only."""
