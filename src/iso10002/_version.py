"""The package version (read by the build backend)."""

__version__ = "0.1.0.dev0"
"""The installed version of iso10002 (PEP 440)."""
