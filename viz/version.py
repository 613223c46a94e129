"""viz's version (semantic versioning; part of the recording cache's key)."""

__version__ = "0.1.0"
