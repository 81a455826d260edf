"""What a run takes from the last one instead of rendering it again (the page memo, store/pages.py).

Entry pages are keyed by what they show: the entry and those it relates to (by their digests), the names of
its actors and tags, its images, its edit link and its citation. Pages that list entries are keyed by their
values with each entry replaced by its digest: a list line shows its entry, its address (from the page's) and
the language, all in the key. The keys are cheap, so they are computed here, and only the pages whose key
changed are rendered (entry pages on every core).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from .. import parallel
from ..evidence.model import Entry
from ..publish.output import Output
from ..store import resident
from ..store.pages import output as memo_output
from . import cite
from .formatting import entry_digests, page_key
from .groups import Group

if TYPE_CHECKING:
    from .pages import Renderer


def entry_key(r: Renderer, e: Entry) -> str:
    """The key of what the entry's page in ``r``'s language is made from."""
    common = r.shared.get(e.id)
    if common is None:  # computed for the first language, used by the others (r.shared is theirs too)
        common = r.shared[e.id] = _common_key(r, e)
    citation = sorted(cite.page_citation(e, r.config, r.lang.code, r.references).items())
    return hashlib.sha256(repr([r.lang.code, common, citation]).encode("utf-8", "surrogatepass")).hexdigest()


def _common_key(r: Renderer, e: Entry) -> str:
    """The part of the entry's key that is the same in every language: the entry, those it relates to, the
    names of its actors and tags (their every translation), its images and its edit link."""
    digests = entry_digests(r.archive)
    related = [digests[i] for i in r.archive.related.get(e.id, ()) if i in r.archive.by_id]
    names = [_named(r, r.archive.actors[a]) for a in (e.speaker, *e.all_actors) if a]
    names += [_named(r, r.archive.tags[t]) for t in e.tags]
    media = page_key([r._media_item(m) for m in e.media]) if e.media else ""
    # repr of strings and dates: unambiguous, and a third of page_key's JSON time over 30,000 pages
    parts = [digests[e.id], related, names, media, r._edit_url(e)]
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _named(r: Renderer, thing) -> str:
    """An actor's or tag's key (each is named on hundreds of pages: computed once per language)."""
    name = (type(thing).__name__, thing.id)
    key = r._names.get(name)
    if key is None:
        key = r._names[name] = page_key(thing)
    return key


def _entry_pages(job: tuple[Renderer, list[tuple[Entry, str]]], start: int, end: int) -> list[tuple[Output, str]]:
    r, todo = job
    return [r.entry(e, key) for e, key in todo[start:end]]


# The entry keys of this process's last run, by the memo's salt (our code, the settings) and language: entry id ->
# (what its key is made from, the key). Where those are the same (the entry object, the entries it relates to, its
# actors' and tags' keys, its reference), so is the key: the preview's passes hash only the keys an edit changed.
_KEYS: dict[tuple[str, str], dict[str, tuple[tuple, str]]] = resident.kept()


def _inputs(r: Renderer, e: Entry) -> tuple | None:
    """What entry_key(r, e) is a function of, given the salt and language; None for an entry with images (their
    records are new objects each run, keyed anew)."""
    if e.media:
        return None
    names = [_named(r, r.archive.actors[a]) for a in (e.speaker, *e.all_actors) if a]
    names += [_named(r, r.archive.tags[t]) for t in e.tags]
    related = tuple(r.archive.by_id.get(i) for i in r.archive.related.get(e.id, ()))
    return e, related, tuple(names), r.references.get((r.lang.code, e.id))  # entries compare as themselves first


def _keys(r: Renderer) -> list[str]:
    """entry_key(r, e) of every entry, in the archive's order: the last run's where its inputs are the same."""
    salt = r.memo.salt if r.memo else None
    last = _KEYS.get((salt, r.lang.code), {}) if salt else {}
    keys, kept = [], {}
    for e in r.archive.entries:
        inputs = _inputs(r, e) if salt else None
        hit = last.get(e.id) if inputs is not None else None
        key = hit[1] if hit is not None and hit[0] == inputs else entry_key(r, e)
        if inputs is not None:
            kept[e.id] = (inputs, key)
        keys.append(key)
    if salt:
        for other in [k for k in _KEYS if k[0] != salt]:
            del _KEYS[other]
        _KEYS[salt, r.lang.code] = kept
    return keys


def entry_pages(r: Renderer) -> list[tuple[Output, str]]:
    """Every entry page of one language with its key, in the archive's order: those the memo holds found here,
    the others rendered on every core."""
    known, todo = {}, []
    for e, key in zip(r.archive.entries, _keys(r)):
        path = f"{r.prefix}entries/{e.id}.md"
        digest = r.memo.lookup(path, key) if r.memo else None
        if digest:
            known[e.id] = (Output(path, known=digest), key)
        else:
            todo.append((e, key))
    made = {page.path: (page, key) for part in parallel.map_slices(_entry_pages, (r, todo), len(todo)) for page, key in part}
    return [known.get(e.id) or made[f"{r.prefix}entries/{e.id}.md"] for e in r.archive.entries]


def page(r: Renderer, path: str, meta: dict[str, Any], template: str, values: dict[str, Any]) -> Output:
    """A page of ``r``'s site whose lines show entries, rendered only when its key changed."""
    digests = entry_digests(r.archive)

    def plain(v):
        if isinstance(v, Entry):
            return digests[v.id]
        if isinstance(v, Group):
            return [v.label, v.anchor, [digests[e.id] for e in v.entries]]
        return [plain(x) for x in v] if isinstance(v, (list, tuple)) else v
    return memo_output(r.memo, r.prefix + path,
                       lambda: page_key(r.lang.code, path, meta, {k: plain(v) for k, v in values.items()}),
                       lambda: r._page(path, meta, r.env.get_template(template).render(**values)).data)
