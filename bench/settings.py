"""Educa's own settings, plus a URLconf that adds the plain-Django reference view."""

from educa.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
