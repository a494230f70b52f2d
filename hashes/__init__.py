"""hashes package."""
