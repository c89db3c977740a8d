"""The Content Security Policy of every HTML page: what a page may load, and who may frame it.

Only this origin; no inline script (except, by its hash, the one each documentation page of
FastAPI's builds inline); string evaluation and inline styles allowed (the vendored libraries,
ECharts, YASGUI and Swagger UI, compile functions from strings and set styles at run time; an
injected <script> or event-handler attribute still runs nowhere); no plugins; no framing
(clickjacking).
"""

from __future__ import annotations

import base64
import hashlib
import re

_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-eval'{scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
           "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
           "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
CONTENT_SECURITY_POLICY = _POLICY.format(scripts="")
_INLINE = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def policy_for(page: bytes) -> str:
    """The policy for a page, allowing exactly its own inline scripts by their SHA-256."""
    hashes = [base64.b64encode(hashlib.sha256(body).digest()).decode("ascii") for body in _INLINE.findall(page)]
    return _POLICY.format(scripts="".join(f" 'sha256-{h}'" for h in hashes))
