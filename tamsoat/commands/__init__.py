"""The subcommands of the ``tamsoat`` console script, one module each."""
