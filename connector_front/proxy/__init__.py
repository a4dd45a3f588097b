"""The proxy to Front: which paths and headers may pass, and Front's links pointed back
at the host."""
