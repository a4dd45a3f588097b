"""Tools for trying the connector out, never loaded by a host: the demo, an embedded
sandbox Front, and the README's coverage tables."""
