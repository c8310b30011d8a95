"""Chronicle: an event-sourced timeline for developing geopolitical stories."""

__version__ = "0.1.0"
