"""Stage 2, articles: decode bytes to text (encodings, HTML), mask personal data, cut pages into articles."""
