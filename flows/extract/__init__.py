"""Fact extractors: countries, counts, funders and events, each in its own module."""
