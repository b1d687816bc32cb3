"""Benchmarks: ``replaywright bench relocate DIR`` scores the matcher against Similo."""
