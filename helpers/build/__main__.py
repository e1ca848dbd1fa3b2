"""``python -m helpers.build``: build the course (see ``helpers.build``)."""

import sys

from helpers.build.pipeline import main

sys.exit(main())
