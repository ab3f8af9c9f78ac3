"""Side-by-side benchmarks; each writes its section of docs/benchmarks.md."""
