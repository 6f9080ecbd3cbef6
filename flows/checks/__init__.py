"""Stage 5, checks: the Great Expectations gate over the new facts, and the quarantine of what fails it."""
