"""Developer tools (not installed): corpus generator, benchmark, profiler, evaluation, fact dump."""
