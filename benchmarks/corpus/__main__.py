"""``python -m benchmarks.corpus OUT_DIR --count N --seed S``."""

import sys

from benchmarks.corpus.generate import main

sys.exit(main())
