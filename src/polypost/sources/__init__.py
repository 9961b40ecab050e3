"""Where posts come from: one module per kind of input, each yielding SourcePost or SourceProblem."""
