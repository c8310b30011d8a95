"""The browser workspace: an ASGI app over the same service functions as the CLI."""
