"""The GraphQL transport (Strawberry): one more way into the same domain.

Kept inside `educa/` so it never shadows the `graphql` library. Resolvers are
thin: they call the services, selectors and permission functions the pages,
the REST API and the sockets call.
"""
