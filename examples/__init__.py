"""Examples of extending the connector from a host's own code."""
