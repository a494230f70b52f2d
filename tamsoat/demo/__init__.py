"""The bundled sample site and the ``tamsoat demo`` run over it."""
