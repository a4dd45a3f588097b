"""Front's JSON for each stored record: one module per kind of object."""
