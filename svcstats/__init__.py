"""svcstats: service analytics from help-desk exports, computed locally."""

__version__ = "0.1.0"
