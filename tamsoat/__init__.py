"""tamsoat: screening Vietnamese sites for material harmful to children."""

__version__ = "0.1.0"
