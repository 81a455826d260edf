"""The log's text in the page's language: an entry's, actor's or tag's translation, or its English marked as such.

A translation missing from the log never leaves a blank: the English shows, with ``lang="en" dir="ltr"``
and a visible "(in English)" in the page's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from ..evidence import markup
from ..evidence.model import Actor, Entry, Tag
from .formatting import link
from .i18n import Lang


@dataclass(frozen=True)
class EntryText:
    """An entry's title, summary, notes and quote translation as one language's pages show them."""

    title: str  # plain text (front matter, feeds)
    title_html: Markup
    summary: str  # the Markdown subset
    summary_html: Markup
    notes_html: Markup
    quote_translation: str
    translated: bool  # False: the English is shown, marked as such


def english_url(here: str) -> str:
    """From the page at ``here`` on a translated site (one folder down) to the same page in English."""
    return "../" * (here.count("/") + 1) + here or "../"


def entry_html(here: str):
    """The Markdown renderer for the page at ``here``: [words](entry:ID) links relatively to that entry's page
    (the same address in every language's site, each being its own root)."""
    return lambda text: markup.to_html(text, lambda ident: link(here, f"entries/{ident}/"))


class Texts:
    """Chooses each text for the pages of one language."""

    def __init__(self, lang: Lang):
        self.lang = lang
        self.default = lang.code == "en"
        self.in_english = lang.gettext("(in English)")

    def english(self, text: str, block: bool = False) -> Markup:
        """English text on a translated page: marked as English, with the visible note."""
        tag = "div" if block else "span"
        body = text if isinstance(text, Markup) else escape(text)
        return Markup(f'<{tag} lang="en" dir="ltr">{body}</{tag}>'
                      f'{"" if block else " "}<{"p" if block else "span"} class="ea-in-en">{escape(self.in_english)}'
                      f'</{"p" if block else "span"}>')

    def plain(self, own: str, translated: str | None) -> str:
        if self.default:
            return own
        return translated or f"{own} {self.in_english}"

    def inline(self, own: str, translated: str | None) -> Markup:
        if self.default:
            return Markup(escape(own))
        return Markup(escape(translated)) if translated else self.english(own)

    def entry(self, e: Entry) -> EntryText:
        t = None if self.default else e.translations.get(self.lang.code)
        html = entry_html(e.url)
        if self.default or t is None:
            summary_html = Markup(html(e.summary))
            notes_html = Markup(html(e.notes)) if e.notes else Markup("")
            if not self.default:
                summary_html = self.english(summary_html, block=True)
                notes_html = self.english(notes_html, block=True) if e.notes else notes_html
            quote = e.quote.translation if e.quote else ""
            return EntryText(self.plain(e.title, None), self.inline(e.title, None), e.summary, summary_html,
                             notes_html, quote, self.default)
        notes = t.notes or e.notes
        notes_html = Markup(html(notes)) if notes else Markup("")
        if e.notes and not t.notes:
            notes_html = self.english(notes_html, block=True)
        quote = t.quote or (e.quote.translation if e.quote and e.quote.lang != self.lang.code else "")
        return EntryText(t.title, Markup(escape(t.title)), t.summary, Markup(html(t.summary)),
                         notes_html, quote, True)

    def key_event(self, e: Entry) -> Markup:
        """The label of the key event the entry marks, in the page's language (the English marked as such)."""
        t = None if self.default else e.translations.get(self.lang.code)
        return self.inline(e.key_event, t.key_event if t else None)

    def title_html(self, e: Entry) -> Markup:
        """The entry's title alone, for lists (``entry`` also renders its summary and notes)."""
        t = None if self.default else e.translations.get(self.lang.code)
        return self.inline(e.title, t.title if t else None)

    def _field(self, item, field: str) -> str | None:
        return (item.translations.get(self.lang.code) or {}).get(field) if not self.default else None

    # An actor's name is translated only where the language writes it differently (Actor.names): without a
    # translation the name is the same in every language, and is shown unmarked.
    def actor_name(self, a: Actor) -> Markup:
        return Markup(escape(self._field(a, "name") or a.name))

    def actor_name_text(self, a: Actor) -> str:
        return self._field(a, "name") or a.name

    def actor_description(self, a: Actor) -> Markup:
        return self.inline(a.description, self._field(a, "description")) if a.description else Markup("")

    def tag_label(self, t: Tag) -> Markup:
        return self.inline(t.label, self._field(t, "label"))

    def tag_label_text(self, t: Tag) -> str:
        return self.plain(t.label, self._field(t, "label"))

    def tag_description(self, t: Tag) -> Markup:
        return self.inline(t.description, self._field(t, "description")) if t.description else Markup("")
