"""`python -m scripts serve`: an edit to an entry reaches the served page without a restart; images are served."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urljoin

from conftest import REPO, make_site_repo


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    return _get_bytes(url).decode("utf-8")


def _get_bytes(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.read()
    except OSError:
        return b""


def _wait_for(url: str, text: str, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if text in _get(url):
            return True
        time.sleep(0.2)
    return False


def test_edit_is_served_without_restart(tmp_path):
    repo = make_site_repo(tmp_path)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "scripts", "--root", str(repo.root), "serve",
                             "--dev-addr", f"127.0.0.1:{port}"], cwd=REPO, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/voip-archive/entries/2017-report/"
    try:
        assert _wait_for(url, "<h1 data-search-exclude>Yearly report mentions the block</h1>", 60)
        # the thumbnail, display copy and original an entry page shows are served, as the build lists them
        shot = f"http://127.0.0.1:{port}/voip-archive/entries/2016-02-28-synthetic-screenshot/"
        html = _get(shot)
        served = sorted(set(re.findall(r'(?:src|href)="\.\./\.\./(media/[^"]+)"', html)))
        links = json.loads((repo.root / "content/_generated/links.json").read_text("utf-8"))
        assert served == sorted(links)
        for rel in served:
            assert _get_bytes(urljoin(shot, "../../" + rel)) == (repo.root / links[rel]).read_bytes(), rel
        path = repo.root / "evidence" / "entries" / "2017" / "2017-report.yaml"
        path.write_text(path.read_text().replace("Yearly report mentions", "Yearly report now names"))
        assert _wait_for(url, "<h1 data-search-exclude>Yearly report now names the block</h1>", 30)
        # the preview has a search: Pagefind indexes the served site after each rebuild (issue 17)
        entry = json.loads(_get(f"http://127.0.0.1:{port}/voip-archive/pagefind/pagefind-entry.json") or "{}")
        assert list(entry.get("languages", {})) == ["en"], entry
        # a broken edit keeps the previous page and the server running
        path.write_text("type: [\n")
        time.sleep(2)
        assert "<h1 data-search-exclude>Yearly report now names the block</h1>" in _get(url)
        assert proc.poll() is None
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)


def test_a_busy_port_is_reported_and_fails(tmp_path):
    repo = make_site_repo(tmp_path)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run([sys.executable, "-m", "scripts", "--root", str(repo.root), "serve",
                               "--dev-addr", f"127.0.0.1:{port}"], cwd=REPO, capture_output=True, timeout=120)
    assert proc.returncode == 1
    assert proc.stdout.decode().splitlines() == [
        f"error: cannot serve on 127.0.0.1:{port}: the port is in use (another preview?); "
        "stop it, or choose another port with --dev-addr"]
    assert b"Traceback" not in proc.stderr


def test_preview_of_one_language_renders_again_the_edited_entry_its_lists_and_feeds_only(tmp_path):
    repo = make_site_repo(tmp_path)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "scripts", "--root", str(repo.root), "serve", "--lang", "fr",
                             "--dev-addr", f"127.0.0.1:{port}"], cwd=REPO, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/voip-archive/fr/"
    preview = repo.root / ".cache" / "preview" / "fr"
    try:
        assert _wait_for(base + "entries/2017-report/", '<html lang="fr"', 90)
        assert _get(base + "browse/latest/").count("Yearly report mentions the block") == 1
        version = _get(f"http://127.0.0.1:{port}/voip-archive/.preview-version")
        kept = (preview / "methodology" / "index.html").stat().st_mtime_ns
        assert not (repo.root / ".cache" / "preview" / "entries").exists()  # French only
        path = repo.root / "evidence" / "entries" / "2017" / "2017-report.yaml"
        path.write_text(path.read_text().replace("Yearly report mentions", "Yearly report now names"))
        assert _wait_for(base + "entries/2017-report/", "Yearly report now names the block", 30)
        assert _wait_for(f"http://127.0.0.1:{port}/voip-archive/.preview-version", str(int(version) + 1), 5)
        assert "Yearly report now names the block" in _get(base + "browse/latest/")  # its lists
        assert "Yearly report now names the block" in _get(base + "rss.xml")  # and its feeds
        assert (preview / "methodology" / "index.html").stat().st_mtime_ns == kept  # nothing else rendered
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
