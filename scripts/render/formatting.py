"""How pages write things: dates, sizes, text direction and relative addresses."""

from __future__ import annotations

import hashlib
import json
from html import escape
from datetime import date
from pathlib import PurePath

from markupsafe import Markup

from ..evidence.dates import PartialDate
from babel.numbers import format_decimal

from ..store import resident
from .i18n import Lang

RTL = {"ar", "fa", "he", "ur", "yi", "ps", "dv", "ku", "sd", "ug"}


def direction(lang: str) -> str:
    return "rtl" if lang in RTL else "ltr"


QUALIFIERS = {"": "%(n)s", "about": "about %(n)s", "at_least": "at least %(n)s", "more_than": "more than %(n)s"}


def count_text(count: int, qualifier: str = "", lang: Lang = Lang()) -> str:
    """'5,000', or 'more than 5,000' when the source gives no exact count (in the page's language)."""
    return lang.gettext(QUALIFIERS[qualifier]) % {"n": lang.number(count)}


def long_date(d: PartialDate, approximate: bool, lang: Lang = Lang()) -> str:
    """'7 January 2016', 'January 2016' or '2016', with '(approx.)' when the sources are vague."""
    return lang.date(d, approximate)


def short_date(d: PartialDate, approximate: bool, lang: Lang = Lang()) -> str:
    """'7 Jan 2016', 'Jan 2016' or '2016', for lists."""
    return lang.date(d, approximate, short=True)


def time_tag(d: PartialDate, approximate: bool, short: bool = False, lang: Lang = Lang()) -> Markup:
    """The date in words inside <time datetime=…> (a plain <span> when undated, which has no machine form)."""
    text = escape(lang.date(d, approximate, short))
    machine = d.machine()
    return Markup(f'<time datetime="{machine}">{text}</time>' if machine else f'<span class="ea-undated">{text}</span>')


def link(here: str, target: str) -> str:
    """Relative address from the page at ``here`` to ``target`` (both site-relative, '' is the home).

    Works like posixpath.relpath on the folders (``here`` is always a folder address), without
    its normalisation, which dominated page generation at 10,000 entries.
    """
    up, down = here.split("/")[:-1], target.split("/")
    common = 0
    for a, b in zip(up, down[:-1]):
        if a != b:
            break
        common += 1
    rel = "../" * (len(up) - common) + "/".join(down[common:])
    return rel or "./"


def actor_url(actor_id: str) -> str:
    return f"browse/actors/{actor_id}/"


def tag_url(tag_id: str) -> str:
    return f"browse/tags/{tag_id}/"


def type_url(type_: str) -> str:
    return f"browse/types/{type_}/"


def filesize(n: int, lang: Lang = Lang()) -> str:
    """'812 bytes', '1.5 MB' in the page's language."""
    if n < 1024:
        return lang.gettext("%(n)s bytes") % {"n": lang.number(n)}
    for unit in ("KB", "MB", "GB"):
        n /= 1024
        if n < 1024 or unit == "GB":
            break
    return f"{format_decimal(round(n, 1), format='0.0', locale=lang.locale)} {unit}"


def _plain(o):
    """JSON form of the values a page is made from (dataclasses field by field), for ``page_key``."""
    fields = getattr(o, "__dataclass_fields__", None)
    if fields is not None:
        return [type(o).__name__, *(getattr(o, f) for f in fields)]
    if isinstance(o, (date, PurePath)):
        return str(o)
    raise TypeError(f"no plain form for {type(o).__name__}")


def page_key(*parts) -> str:
    """Digest of everything a page is made from: equal inputs give the same key, in any process."""
    text = json.dumps(parts, default=_plain, ensure_ascii=False, separators=(",", ":"), sort_keys=True)  # translations: any order
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


_DIGESTS: list = [None, {}]  # the last archive asked about, and its entries' digests
_BY_OBJECT: dict[int, tuple] = resident.kept()  # id(entry) -> (entry, digest), of the last archive asked about


def entry_digests(archive) -> dict[str, str]:
    """Each entry's digest (id -> SHA-256 of all its fields): what its list lines, feed items and data files
    are made from. Computed once per archive: the pages of every language and the feeds share it; and once per
    entry object (entries are never changed once made), so a long-lived process whose check kept the unchanged
    entries (the preview: evidence/check.py) digests only the edited one."""
    if _DIGESTS[0] is not archive:  # identity, not equality: a new run's archive is a new object
        by_object = {}
        for e in archive.entries:
            known = _BY_OBJECT.get(id(e))  # the entry is held there, so its id is no other object's
            by_object[id(e)] = known if known is not None and known[0] is e else (e, _digest(e))
        _BY_OBJECT.clear()
        _BY_OBJECT.update(by_object)
        _DIGESTS[:] = [archive, {e.id: d for e, d in by_object.values()}]
    return _DIGESTS[1]


def _digest(e) -> str:
    # The fields' repr (nested dataclasses show every field, strings quoted) is 5x faster than page_key's JSON at
    # 10,000 entries; translations sorted, as the check's store gives them in another order than the YAML.
    fields = [sorted(e.translations.items()) if f == "translations" else getattr(e, f) for f in e.__slots__]
    return hashlib.sha256(repr(fields).encode("utf-8", "surrogatepass")).hexdigest()
