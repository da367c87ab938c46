"""``python -m companion`` is ``parcel-doctor``."""

import sys

from companion.cli import main

sys.exit(main())
