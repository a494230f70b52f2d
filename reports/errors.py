"""Errors the findings store raises for a user to read (one clear sentence each)."""


class StoreError(Exception):
    """The store cannot do what was asked: bad URL, unreachable server, bad input."""
