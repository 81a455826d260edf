"""Property tests: no input makes the checker crash, and rendered text never becomes markup."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import GOOD, Repo
from scripts.evidence import markup
from scripts.evidence.problems import Problem

PROBLEM = re.compile(r"^evidence/[^:]+:\d+:\d+: (error|warning): .+$")
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _only_problems(repo: Repo) -> None:
    loaded = repo.check()  # must not raise
    for p in loaded.report.sorted():
        assert isinstance(p, Problem) and PROBLEM.match(str(p)), str(p)
        assert p.line >= 1 and p.col >= 1


@FAST
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_only_give_problems(tmp_path_factory, data):
    repo = Repo(tmp_path_factory.mktemp("r"))
    repo.raw("x", data)
    _only_problems(repo)


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=50),
                    st.dates().map(str))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                      max_leaves=12)
fields = st.sampled_from(["type", "title", "date", "added", "summary", "language", "source", "quote", "media",
                          "actors", "tags", "related", "signatures", "corrections", "notes", "speaker", "zzz"])


@FAST
@given(doc=st.dictionaries(fields, values, max_size=10))
def test_arbitrary_yaml_mappings_only_give_problems(tmp_path_factory, doc):
    repo = Repo(tmp_path_factory.mktemp("r"))
    repo.raw("x", yaml.safe_dump(doc, allow_unicode=True).encode("utf-8"))
    _only_problems(repo)


@FAST
@given(text=st.text(max_size=300))
def test_arbitrary_text_in_every_field_only_gives_problems(tmp_path_factory, text):
    repo = Repo(tmp_path_factory.mktemp("r"))
    quoted = yaml.safe_dump(text, allow_unicode=True, default_style='"').strip().removesuffix("...").strip()
    entry = GOOD.replace('"Operators block internet calls"', quoted).replace('"Example Publisher"', quoted)
    repo.raw("x", entry.encode("utf-8", "surrogatepass"))
    _only_problems(repo)


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


@example(text="\\*only\\* \\\\ \\_x\\_ a\\\nb")
@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
       | st.lists(st.sampled_from(["<", ">", "&", "*", "_", "[", "]", "(", ")", "javascript:", "https://x.org",
                                   "<script>", "\"", "'", "&lt;", "\n\n", " ", "a", "![i](", "<img onerror=x>"]),
                  max_size=30).map("".join))
def test_rendered_markup_has_only_safe_tags(text):
    html = markup.to_html(text)
    p = _Tags()
    p.feed(html)
    for tag, attrs in p.tags:
        assert tag in ("p", "em", "strong", "a"), (tag, text)
        if tag == "a":
            assert set(attrs) == {"href", "rel"} and re.match(r"https?://", attrs["href"]), (attrs, text)
        else:
            assert attrs == {}, (tag, attrs)
    # every character of the input survives as text (whitespace folded, link targets aside)
    rendered = "".join(p.text)
    if "](" not in text:
        # backslashes aside: before ASCII punctuation they are CommonMark escapes, which show the character
        # and not the backslash (tests/test_clients.py checks escapes exactly)
        squash = lambda s: re.sub(r"[\s*_\\]", "", s)
        assert squash(rendered) == squash(text)
