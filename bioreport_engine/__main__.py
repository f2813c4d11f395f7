"""``python -m bioreport_engine`` is the ``bioreport`` command."""

import sys

from bioreport_engine.cli import main

sys.exit(main())
