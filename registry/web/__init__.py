"""HTTP plumbing every feature's routes share: content negotiation (routing: NegotiatedRoute and
ConfluentRoute; media), sessions, units of work and the typed service dependencies (dependencies),
the base of Confluent's JSON bodies (payload), error rendering (error_handlers), the ASGI middleware,
the OpenAPI error descriptions (documentation), and the server's own routes: root, metadata, health
and metrics (server). Features keep their own routes in their own `api` modules."""
