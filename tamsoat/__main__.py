import sys

from tamsoat.cli import main

sys.exit(main())
