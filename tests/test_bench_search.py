"""The search benchmark's own parts (scripts/bench/search.py) that need no browser."""

from __future__ import annotations

from scripts.bench import search


def test_the_count_of_pages_found_is_read_in_every_language():
    assert search._found("Results: 1,234") == 1234
    assert search._found("Résultats : 1\u202f234") == 1234
    assert search._found("النتائج: ١٬٢٣٤") == 1234  # Arabic-Indic digits, as toLocaleString("ar") writes them
    assert search._found("No results") is None


def test_the_table_says_how_each_query_was_typed():
    row = {"engine": "pagefind", "lang": "ar", "query": "حجب", "pages_found": 1520, "delay_ms": 150,
           "script": "preload.js", "bytes": 251_400, "gzip_bytes": 210_000, "requests": 14,
           "seconds_to_first_result": 0.61, "runs": [0.6, 0.61, 0.7]}
    at_once = dict(row, delay_ms=0, script="", pages_found=None)
    lines = search.table([row, at_once]).splitlines()
    assert lines[2] == ("| pagefind | ar | حجب | 1,520 | 150 ms a key, from the last (preload.js) | 251 KB | 210 KB | 14 | "
                        "0.61 s (0.60, 0.61, 0.70) |")
    assert lines[3] == "| pagefind | ar | حجب |  | at once, from '/' | 251 KB | 210 KB | 14 | 0.61 s (0.60, 0.61, 0.70) |"


def test_entries_holding_a_query_match_as_the_index_does(tmp_path):
    from scripts.bench.searchsites import entries_holding
    folder = tmp_path / "evidence" / "entries" / "2016"
    folder.mkdir(parents=True)
    (folder / "a.yaml").write_text('title: "Regulators and the court"\ntitle_original: "الحظر"\n', "utf-8")
    (folder / "b.yaml").write_text('title: "A petition"\nnotes: "Méditel, wa-lkalat: وكالة"\n', "utf-8")
    got = entries_holding(tmp_path, ["regulator", "petition court", "court", "حظر", "meditel", "الوكالة", "حجب"])
    assert got == {"regulator": 1, "petition court": 0, "court": 1, "حظر": 1, "meditel": 1, "الوكالة": 1, "حجب": 0}
