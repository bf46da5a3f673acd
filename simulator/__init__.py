"""A Decidim stand-in: a GraphQL server that speaks Decidim's schema, for demos and tests.

It is a test double of Decidim, never the specification of it: see README.md for what it
reproduces (names, pagination caps, limits, error shapes) and what it leaves out.
"""
