"""The file formats a story is exported to: one module per format, templates and assets as package data."""
