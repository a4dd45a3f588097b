"""Small helpers that know nothing of Front or the connector: wire formats, log
redaction, owner-only files, web origins, bounded gathering, garbage-collection pauses."""
