"""Benchmarks on synthetic archives; figures for humans (``make bench``), never product code.

pipeline   the whole pipeline (``python -m scripts bench``)
check      ``check`` beside a bare YAML parse;  feeds: the feeds stage;  media: the image stage
synthetic  synthetic archives of realistic sizes, deterministic
refs       cite.references() cold, wall and CPU, and against citeproc-py (``--compare``)
mkdocs_pass  MkDocs alone on generated pages: ours, before issue 21, bare MkDocs; profile; diff of two builds
"""
