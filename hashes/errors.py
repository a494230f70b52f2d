"""Errors the hashes library raises for a user to read: one clear sentence each."""


class HashError(Exception):
    """Base class: bad input to the hashes library."""

    def __str__(self) -> str:
        text = super().__str__()
        return text if text.endswith((".", "?", "!")) else text + "."


class DecodeError(HashError):
    """The bytes are not an image we can hash (unknown format, truncated, corrupt)."""


class ImageTooLarge(DecodeError):
    """The image declares more pixels than the cap allows (a decompression bomb)."""


class InvalidHash(HashError):
    """A hex string is not a valid hash for its algorithm."""


class UnknownAlgorithm(HashError):
    """An algorithm name that is not registered."""


class HashListError(HashError):
    """A hash-list file is malformed; the message names the file and the line."""


class IndexFormatError(HashError):
    """A saved index on disk is missing, truncated or of another version."""
