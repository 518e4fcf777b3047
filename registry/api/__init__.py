"""The contract store's and the audit log's routes, until they move into their own feature packages
(the schemas' routes are in registry/schemas, config and mode in registry/settings, the server's own
in registry/web/server.py)."""
