"""The HTTP layer: Litestar controllers that parse, authorize and call one service each."""
