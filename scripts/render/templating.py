"""The Jinja environment of one language's templates: autoescaped, strict, interface strings through gettext,
dates and numbers through Babel; the compiled templates shared by every environment of the process."""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup

from ..evidence.schema import PRIMARY_TYPES, TYPE_LABELS
from . import addresses
from .formatting import actor_url, count_text, direction, filesize, link, tag_url, time_tag
from .i18n import NATIVE_NAMES, Lang
from .texts import Texts, english_url


class _Compiled(jinja2.BytecodeCache):
    """The templates' compiled code, kept in memory for the next environment of this process (each run makes its
    own: the preview's every pass compiled them again, half a second). Every ``environment`` is configured alike, and
    Jinja compiles again a template whose source's checksum differs."""

    def __init__(self):
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self.codes.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _Compiled()


def environment(lang: Lang) -> jinja2.Environment:
    """Templates for one language: interface strings through gettext (jinja2.ext.i18n), dates through Babel."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=False, auto_reload=False,
                             keep_trailing_newline=True, extensions=["jinja2.ext.i18n"], bytecode_cache=_COMPILED)
    env.install_gettext_callables(lang.gettext, lang.ngettext, newstyle=True)
    env.filters.update(long_date=lambda d, approx=False: lang.date(d, approx), filesize=lambda n: filesize(n, lang),
                       long_day=lang.day, number=lang.number, language=lang.language,
                       readable_url=addresses.readable, lookup_url=addresses.lookup)
    env.globals.update(count_text=lambda n, q="": count_text(n, q, lang),
                       time_tag=lambda d, a, short=False: time_tag(d, a, short, lang), link=link, direction=direction,
                       actor_url=actor_url, tag_url=tag_url, lang=lang.code, page_dir=direction(lang.code),
                       type_label=lambda t: lang.gettext(TYPE_LABELS[t][0]), english_url=english_url,
                       tx=Texts(lang), native_names=NATIVE_NAMES, primary_types=PRIMARY_TYPES,
                       code=lambda text: Markup("<code>%s</code>") % text,
                       strong=lambda text: Markup("<strong>%s</strong>") % text)
    return env
