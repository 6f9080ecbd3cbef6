"""Superset's configuration for the pressfacts dashboard (`make bi`), read through SUPERSET_CONFIG_PATH.

Everything Superset keeps for itself (its metadata DB, the secret key, its log) lives under
PRESSFACTS_SUPERSET_HOME (default warehouse/.superset/ in the checkout), never in ~/.superset.
The warehouse itself is only ever opened read-only (tools/bi/setup.py registers it).
Nothing here reaches the network: no example data, and the browser is told (CSP) to load nothing
from anywhere but this server (which also refuses the telemetry pixel Superset's pages ask for).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HOME = Path(os.environ.get("PRESSFACTS_SUPERSET_HOME") or REPO / "warehouse" / ".superset").resolve()
HOME.mkdir(parents=True, exist_ok=True)

DATA_DIR = str(HOME)
FILENAME = str(HOME / "superset.log")


def _secret_key() -> str:
    """SUPERSET_SECRET_KEY from the environment, else one generated once and kept beside the metadata DB
    (it encrypts the stored connection, so it must not change between runs)."""
    if os.environ.get("SUPERSET_SECRET_KEY"):
        return os.environ["SUPERSET_SECRET_KEY"]
    path = HOME / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
SQLALCHEMY_DATABASE_URI = f"sqlite:///{HOME / 'superset.db'}?check_same_thread=false"

# Nothing from outside: example data is only loaded by `superset load-examples`, which setup.py never
# runs; the pages Superset 6.1 serves still ask for a telemetry pixel (Scarf) whatever the config says,
# and this policy makes the browser refuse it, like any outside font, tile or script.
THEME_FONT_URL_ALLOWED_DOMAINS: list[str] = []
TALISMAN_ENABLED = True
TALISMAN_CONFIG = {
    "content_security_policy": {
        "base-uri": ["'self'"],
        "default-src": ["'self'"],
        "img-src": ["'self'", "blob:", "data:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": "'none'",
        "style-src": ["'self'", "'unsafe-inline'"],
        "font-src": ["'self'", "data:"],
        "script-src": ["'self'", "'strict-dynamic'"],
    },
    "content_security_policy_nonce_in": ["script-src"],
    "force_https": False,
    "session_cookie_secure": False,
}
CONTENT_SECURITY_POLICY_WARNING = False

# one user on a laptop: no Celery, no Redis, no thumbnails or alerts (they need a worker and a browser)
FEATURE_FLAGS = {
    "DASHBOARD_RBAC": False,
    "ALERT_REPORTS": False,
    "THUMBNAILS": False,
    "ENABLE_TEMPLATE_PROCESSING": False,
}
# the marts are small; one worker thread per request is plenty
SQLLAB_CTAS_NO_LIMIT = True
ROW_LIMIT = 50000
