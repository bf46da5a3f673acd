"""civic-bridge: a city's Decidim data in its own store, and the city's follow-up features."""

__version__ = "0.1.0"
