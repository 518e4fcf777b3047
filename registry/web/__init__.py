"""HTTP plumbing every feature's routes share: content negotiation (routing, media), sessions and
units of work (dependencies), error rendering (error_handlers), the ASGI middleware, and the OpenAPI
error descriptions (documentation). Features keep their own routes in their own `api` modules."""
