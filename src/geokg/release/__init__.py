"""Versioned releases people can cite: dumps, a VoID + DCAT description, a changelog, a citation.

``geokg release VERSION`` builds a release folder from the records (:func:`build_release`);
``geokg load --release DIR`` loads one as it is, after checking every file's checksum
(:func:`load_release`). What a release folder holds is listed in :mod:`geokg.release.files`.
"""

from __future__ import annotations

from geokg.release.build import build_release
from geokg.release.files import verify_release
from geokg.release.load import load_release

__all__ = ["build_release", "load_release", "verify_release"]
