"""The spiders: ``site``, ``news``, ``forum`` and ``recheck``."""
