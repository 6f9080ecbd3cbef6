"""Stage 3, facts: countries, counts, funders and events extracted from each article, with character spans."""
