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


def _get_bytes(url: str, timeout: float = 2) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
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
        # the reload script, with the version the page was served at
        assert re.search(r"var v='\d+',u='/voip-archive/\.preview-version'", html), html[-600:]
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


def _watching(places, ignore=lambda p: False):
    """Run serve.watch in a thread; return (passes, stop)."""
    import threading

    from scripts.publish import serve
    passes, done = [], threading.Event()
    t = threading.Thread(target=serve.watch, args=(places, lambda: passes.append(time.monotonic())),
                         kwargs={"interval": 0.05, "stop": done.is_set, "ignore": ignore}, daemon=True)
    t.start()
    time.sleep(0.5)  # the observer is running
    return passes, lambda: (done.set(), t.join(5))


def _settle(passes, n, seconds=5.0):
    end = time.monotonic() + seconds
    while len(passes) < n and time.monotonic() < end:
        time.sleep(0.05)
    time.sleep(0.3)
    return len(passes)


def test_the_watcher_reacts_to_an_edit_and_not_to_what_the_generator_writes(tmp_path):
    (tmp_path / "evidence").mkdir()
    (tmp_path / "content").mkdir()
    entry, made = tmp_path / "evidence" / "a.yaml", tmp_path / "content" / "a.md"
    entry.write_text("title: a\n")
    made.write_text("# a\n")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n")
    (tmp_path / "other.txt").write_text("x\n")
    passes, stop = _watching([tmp_path / "evidence", tmp_path / "content", tmp_path / "mkdocs.yml"],
                             ignore=lambda p: p == str(made))
    try:
        made.write_text("# a, generated again\n")  # the generator's own output
        (tmp_path / "content" / ".a.md.123.tmp").write_text("x")  # its temporary file
        (tmp_path / "other.txt").write_text("y\n")  # beside mkdocs.yml, not watched
        entry.read_text()  # reading is not a change
        assert _settle(passes, 1, 1.0) == 0
        entry.write_text("title: b\n")
        assert _settle(passes, 1) == 1
        (tmp_path / "mkdocs.yml").write_text("site_name: y\n")
        assert _settle(passes, 2) == 2
    finally:
        stop()


def test_the_watcher_scans_the_folders_when_file_events_are_unavailable(tmp_path, monkeypatch, caplog):
    import watchdog.observers

    def refuse(self):
        raise OSError(28, "inotify watch limit reached")
    monkeypatch.setattr(watchdog.observers.Observer, "start", refuse)
    (tmp_path / "evidence").mkdir()
    entry = tmp_path / "evidence" / "a.yaml"
    entry.write_text("title: a\n")
    passes, stop = _watching([tmp_path / "evidence"])
    try:
        entry.write_text("title: changed\n")
        assert _settle(passes, 1) == 1
    finally:
        stop()
    assert ("file events are not available ([Errno 28] inotify watch limit reached); the preview scans the "
            "folders every 0.1 s instead") in caplog.text


def test_a_reader_leaving_mid_answer_is_not_reported(capsys, caplog):
    from scripts.publish.preview import _Server
    server = _Server.__new__(_Server)
    try:
        raise BrokenPipeError(32, "Broken pipe")
    except BrokenPipeError:
        server.handle_error(None, ("127.0.0.1", 1))
    try:
        raise ValueError("bad request line")
    except ValueError:
        server.handle_error(None, ("127.0.0.1", 1))
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Broken pipe" not in caplog.text
    assert "preview: a request from 127.0.0.1 failed: bad request line" in caplog.text


def test_the_preview_ignores_the_files_the_generator_made_and_nothing_else(tmp_path):
    from scripts.publish.output import Output, Writer
    from scripts.publish.serve import _generated
    content = tmp_path / "content"
    content.mkdir()
    Writer(content).write([Output("entries/a.md", b"# a\n"), Output("fr/entries/a.md", b"# a\n")])
    (content / "methodology.md").write_text("# By hand\n")
    ignore = _generated(content)
    assert ignore(str(content / "entries" / "a.md")) and ignore(str(content / "fr" / "entries" / "a.md"))
    assert ignore(str(content / ".generated.json")) and ignore(str(content / ".generated.writing"))
    assert not ignore(str(content / "methodology.md")) and not ignore(str(tmp_path / "evidence" / "a.yaml"))
    Writer(content).write([Output("entries/b.md", b"# b\n")])  # a later pass: a.md is no longer ours
    assert ignore(str(content / "entries" / "b.md")) and not ignore(str(content / "entries" / "a.md"))


def test_an_edit_saved_as_the_preview_starts_serving_is_not_missed(tmp_path):
    """``ready`` (the first build and the server) runs once the watch has begun: its edit makes a pass."""
    import threading

    from scripts.publish import serve
    (tmp_path / "evidence").mkdir()
    entry = tmp_path / "evidence" / "a.yaml"
    entry.write_text("title: a\n")
    passes, done = [], threading.Event()
    t = threading.Thread(target=serve.watch, args=([tmp_path / "evidence"], lambda: passes.append(1)),
                         kwargs={"interval": 0.05, "stop": done.is_set, "ready": lambda: entry.write_text("title: b\n")},
                         daemon=True)
    t.start()
    try:
        assert _settle(passes, 1) == 1
    finally:
        done.set()
        t.join(5)


def test_a_page_asking_for_the_next_version_is_answered_as_a_pass_ends(tmp_path):
    """The reload script's question is held until a pass ends (no polling delay), or WAIT seconds at most."""
    import threading

    from scripts.publish.preview import Preview, start_server
    repo = make_site_repo(tmp_path)
    preview, port = Preview(repo.root, "en"), _free_port()
    server = start_server(preview, f"127.0.0.1:{port}")
    url = f"http://127.0.0.1:{port}/voip-archive/.preview-version"
    try:
        assert _get(url) == "0"  # a page's first question is answered at once
        threading.Timer(0.5, preview._passed_one).start()
        t0 = time.monotonic()
        assert _get_bytes(url + "?after=0", timeout=10) == b"1"
        assert 0.4 < time.monotonic() - t0 < 3
        t0 = time.monotonic()
        assert preview.version_after("1", timeout=0.3) == 1  # nothing passed: the same version, after the wait
        assert time.monotonic() - t0 >= 0.3
    finally:
        server.shutdown()
        server.server_close()


def test_a_page_in_chromium_reloads_once_a_pass_ends_even_one_before_its_first_question(tmp_path, browser):
    from scripts.publish.preview import Preview, start_server
    repo = make_site_repo(tmp_path)
    preview, port = Preview(repo.root, "en"), _free_port()
    server = start_server(preview, f"127.0.0.1:{port}")
    (preview.folder / "index.html").write_text("<!doctype html><html><body><p>page</p></body></html>", "utf-8")
    page = browser.new_page()
    passed = []

    def first_question(route):  # a pass ends between the page being served and its first question
        if not passed:
            passed.append(preview._passed_one())
        route.continue_()
    page.route("**/.preview-version*", first_question)
    try:
        with page.expect_event("load", timeout=10_000):
            page.goto(f"http://127.0.0.1:{port}/voip-archive/")
        page.wait_for_function("performance.getEntriesByType('navigation')[0].type === 'reload'", timeout=10_000)
        assert page.evaluate("performance.getEntriesByType('navigation')[0].type") == "reload"
        page.wait_for_timeout(500)
        assert page.evaluate("performance.getEntriesByType('navigation')[0].type") == "reload"  # once, at version 1
    finally:
        page.close()
        server.shutdown()
        server.server_close()


def test_a_killed_worker_of_the_previews_generation_is_one_line_and_the_preview_goes_on(tmp_path, monkeypatch, capsys):
    import argparse
    from concurrent.futures.process import BrokenProcessPool

    import scripts.build as pipeline
    from scripts import commands
    from scripts.publish import serve as preview_serve
    passes = []
    monkeypatch.setattr(preview_serve, "serve", lambda root, regenerate, addr, lang: passes.append(regenerate) or 0)
    assert commands.serve(argparse.Namespace(root=tmp_path, dev_addr="127.0.0.1:0", lang=None)) == 0

    def killed(*args, **kwargs):
        raise BrokenProcessPool("A child process terminated abruptly")
    monkeypatch.setattr(pipeline, "generate", killed)
    passes[0]("en")  # no traceback: the watcher calls it again on the next edit
    assert capsys.readouterr().out == ("error: the generation stopped before it finished (killed, or out of memory?); "
                                       "the preview keeps the previous pages\n")
