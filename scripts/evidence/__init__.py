"""Read and check the evidence log, and hold it as the model every later stage reads.

files          where the log lives and which files are read
yamlfile       one YAML file into a node tree with positions
spec           the building blocks of the format: each checks a node and describes itself;
scalars,       text, choices, flags, numbers, addresses, references; lists, objects, maps;
containers,    and dates (open ones too: before/after a date, undated)
dates
markup         the Markdown subset allowed in summaries and notes
schema         the record format, declared once (checker, JSON Schema and format page come from it)
editor_schema  that declaration as JSON Schema for editors (evidence/schema.json)
rules          checks beyond one field: per-type rules, references, media files, warnings
translations   translations only into the site's languages, complete where it requires them
check          every entry file on its own, over all cores, reusing stored results
codec          a checked entry as a plain JSON row, for the store
load           the whole log: registries, entries, cross-file checks, media -> Archive
model          the archive as typed values; problems: PATH:LINE:COL reports
"""

__all__ = ["Loaded", "Paths", "load_archive"]


def __getattr__(name: str):
    """Import on first use: modules that need only problems.py (config, publish) must not pull in the loader."""
    if name == "Paths":
        from .files import Paths
        return Paths
    if name in ("Loaded", "load_archive"):
        from . import load
        return getattr(load, name)
    raise AttributeError(name)
