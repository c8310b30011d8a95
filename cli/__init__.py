"""The command line: parse, call the service once, render. Nothing else lives here."""
