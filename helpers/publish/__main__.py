"""``python -m helpers.publish``: build the course (see ``helpers.publish``)."""

import sys

from helpers.publish.pipeline import main

sys.exit(main())
