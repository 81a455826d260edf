"""The site's interface in each language: message catalogs (locales/<lang>.yaml), dates and numbers (Babel).

English is the msgid itself. A catalog maps each English msgid to its translation; a plural msgid
(``ngettext``) maps its singular to one string per CLDR plural category (Arabic has six).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

from ..evidence.dates import PartialDate
from ..evidence.problems import BuildError
from ..evidence.translations import language_name

LOCALES_DIR = Path(__file__).parent / "locales"
# Babel locale per site language: ar_MA writes Western digits and the Moroccan month names (يناير … دجنبر)
# that the archive's Arabic translations use.
BABEL_LOCALES = {"en": "en", "fr": "fr", "ar": "ar_MA"}
NATIVE_NAMES = {"en": "English", "fr": "Français", "ar": "العربية"}


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict:
    """The msgid → translation table of ``lang`` ({} for English, whose msgids are the text)."""
    if lang == "en":
        return {}
    path = LOCALES_DIR / f"{lang}.yaml"
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except FileNotFoundError:
        raise BuildError(f"no interface translation for language '{lang}': add {path.name} under "
                         f"scripts/render/locales/") from None
    return data if isinstance(data, dict) else {}


@dataclass(frozen=True)
class Lang:
    """One site language: its strings, dates, numbers and language names."""

    code: str = "en"

    @property
    def locale(self) -> str:
        return BABEL_LOCALES.get(self.code, self.code)

    def gettext(self, msgid: str) -> str:
        text = catalog(self.code).get(msgid)
        return text if isinstance(text, str) and text else msgid

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = catalog(self.code).get(singular)
        if not isinstance(forms, dict):
            return singular if n == 1 else plural
        category = Locale.parse(self.locale).plural_form(n)
        return forms.get(category) or forms.get("other") or plural

    def number(self, n: int) -> str:
        return _decimal(n, self.locale)

    def language(self, code: str) -> str:
        """A language's name in this language, e.g. 'arabe' for ar on the French site."""
        return language_name(code, self.locale)

    def date(self, d: PartialDate, approximate: bool, short: bool = False) -> str:
        """'7 January 2016' / '7 janvier 2016' / '7 يناير 2016' (short: month abbreviated), 'before …', 'undated'."""
        _ = self.gettext
        if d.bound == "undated":
            return _("undated")
        if d.day:
            text = _format_date(d.year, d.month, d.day, "d MMM y" if short else "d MMMM y", self.locale)
        elif d.month:
            text = _format_date(d.year, d.month, 1, "MMM y" if short else "MMMM y", self.locale)
        else:
            text = str(d.year)
        if d.bound == "before":
            text = _("before %(date)s") % {"date": text}
        elif d.bound == "after":
            text = _("after %(date)s") % {"date": text}
        if approximate:
            text = (_("%(date)s approx.") if short else _("%(date)s (approx.)")) % {"date": text}
        return text

    def day(self, d: dt.date) -> str:
        return self.date(PartialDate(d.year, d.month, d.day), False)

    def month_heading(self, year: int, month: int) -> str:
        """'January 2016' as a heading (CLDR's stand-alone month name)."""
        return format_date(dt.date(year, month, 1), "LLLL y", locale=self.locale)


@lru_cache(maxsize=4096)
def _decimal(n: int, locale: str) -> str:
    """Babel's format_decimal, once per number (list pages print thousands of counts; it costs 0.15 ms)."""
    return format_decimal(n, locale=locale)


@lru_cache(maxsize=65536)
def _format_date(year: int, month: int, day: int, pattern: str, locale: str) -> str:
    """Babel's format_date, once per day, pattern and locale: 10,000 entries are dated on far fewer days, and
    list pages print each date many times (30 µs a call; 85,000 calls in the list pages of 10,000 entries)."""
    return format_date(dt.date(year, month, day), pattern, locale=locale)
