"""``python -m bioreport_engine`` is the ``bioreport`` command."""

import sys

from bioreport_engine.cli import main

if __name__ == "__main__":  # not when a spawned child re-imports the main module
    sys.exit(main())
