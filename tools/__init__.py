"""Developer tooling: training, starting the stack, benchmarks and evaluation. Not imported by the server."""
