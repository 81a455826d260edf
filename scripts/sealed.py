"""Cache files that only this user's runs can have written: an HMAC with a key kept outside the repository.

Everything under .cache/ is git-ignored, but a pull request could still commit a file there. The
check cache is a pickle, and unpickling runs code; so it is sealed with a key from the user's own
cache folder ($XDG_CACHE_HOME, else ~/.cache), which no repository can supply. A file that does not
carry a valid seal is ignored, as if there were no cache.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path

log = logging.getLogger(__name__)
TAG = 32  # bytes of HMAC-SHA256 in front of the payload


def _key_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "evidence-archive" / "cache.key"


@functools.cache
def _key() -> bytes | None:
    path = _key_file()
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key)
        os.replace(tmp, path)
        return key
    except OSError as exc:
        log.debug("no cache key at %s (%s): caches that need one are not used", path, exc)
        return None


def seal(payload: bytes) -> bytes | None:
    """The payload with its seal in front, or None when there is no key to seal with."""
    key = _key()
    return None if key is None else hmac.digest(key, payload, hashlib.sha256) + payload


def unseal(data: bytes) -> bytes | None:
    """The payload if its seal is valid, else None."""
    key = _key()
    if key is None or len(data) < TAG:
        return None
    payload = data[TAG:]
    return payload if hmac.compare_digest(data[:TAG], hmac.digest(key, payload, hashlib.sha256)) else None
