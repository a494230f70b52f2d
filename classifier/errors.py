"""The one error type the classifier raises for input a user can fix."""


class ClassifierError(Exception):
    """Bad corpus, data file or model directory; the message names the file (and line)."""
