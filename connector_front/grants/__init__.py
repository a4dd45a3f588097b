"""What a connection may do: Front's scopes per endpoint, each operation held to its
endpoints, and the check of what Front lets the granted operations read."""
