"""Educa's own settings, plus a URLconf that adds the plain-Django reference view."""

import os

from educa.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# bench/variants.py: Django's backend and pool in place of Educa's.
if os.environ.get("BENCH_POOL") == "django":
    DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"  # noqa: F405
