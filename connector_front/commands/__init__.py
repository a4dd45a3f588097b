"""Sub-commands of ``connector-front`` that live in their own modules."""
