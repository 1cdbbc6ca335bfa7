"""``python -m posecheck.dev``."""

import sys

from posecheck.dev.cli import main

sys.exit(main())
