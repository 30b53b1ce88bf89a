import Testing

@Suite("spin binary") struct CLIPlaceholderTests {}
