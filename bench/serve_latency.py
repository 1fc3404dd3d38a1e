#!/usr/bin/env python3
"""Preview latency: time from saving a file to the reload event reaching the browser.

    python3 bench/serve_latency.py SITE_DIR [--runs 7] [--varde target/release/varde] [--no-search]

Starts `varde serve` on a free port on 127.0.0.1 and opens the live-reload event stream as
the edited page's script does (it names its page), then repeatedly (1) edits a word in the
text of one Markdown page (not its front matter), (2) edits page.html (the template of the
content pages) and (3) edits base.html (which every HTML page extends). For each save it
measures from just before the write until the `reload` event arrives, and until the page,
asked for again as the reloading browser does, comes back showing the edit. The templates
are edited as site-level copies of the default theme's, removed at the end. Prints the time
from starting `varde serve` to the first page served, then min / median / max in ms. Only
talks to 127.0.0.1; every loop is bounded.
"""

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def first_page(port, timeout=120):
    """Waits until the home page answers 200 (the first build is done)."""
    end = time.time() + timeout
    while time.time() < end:
        try:
            c = socket.create_connection(("127.0.0.1", port), timeout=5)
            c.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            head = c.recv(64)
            c.close()
            if head.startswith(b"HTTP/1.1 200"):
                return
        except OSError:
            pass
        time.sleep(0.02)
    sys.exit("the first page was never served")


def wait_port(port, timeout=120):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit("varde serve did not start")


def get(port, path):
    """The body of GET `path` from the preview."""
    c = socket.create_connection(("127.0.0.1", port), timeout=60)
    c.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    data = b""
    while True:
        chunk = c.recv(65536)
        if not chunk:
            break
        data += chunk
    c.close()
    return data.split(b"\r\n\r\n", 1)[-1]


def page_url(port, site, md):
    """The URL path of Markdown file `md`, from the preview's sitemap."""
    rel = os.path.relpath(md, os.path.join(site, "content"))[: -len(".md")].replace(os.sep, "/")
    for loc in re.findall(rb"<loc>([^<]+)</loc>", get(port, "/sitemap.xml")):
        path = urllib.parse.urlparse(loc.decode()).path
        if path == f"/{rel}/":
            return path
    sys.exit(f"{md}: not in the sitemap")


class Events:
    """The event stream of the page at `page`, as its live-reload script opens it."""

    def __init__(self, port, page):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.sendall(f"GET /__varde/events?page={page} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        self.sock.settimeout(60)
        self.buf = b""
        self.wait_for(b": connected")

    def drain(self):
        """Reads what has come since the last wait; returns how many reloads that was (a
        page reloaded twice for one save: its first look was not the whole render's)."""
        self.sock.settimeout(0.05)
        try:
            while True:
                chunk = self.sock.recv(4096)
                if not chunk:
                    break
                self.buf += chunk
        except (socket.timeout, BlockingIOError):
            pass
        self.sock.settimeout(60)
        n = self.buf.count(b"event: reload")
        self.buf = b""
        return n

    def wait_for(self, marker):
        while marker not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                sys.exit("event stream closed")
            self.buf += chunk
        self.buf = self.buf[self.buf.index(marker) + len(marker):]


def measure(events, path, variants, runs, port, page):
    """Alternates `path` between text variants (text, the mark the page then shows), timing
    each save until the reload event, and until the page, asked for again as the reloading
    browser does, came back with the mark."""
    times, served, extra = [], [], 0
    for i in range(runs):
        text, mark = variants[i % len(variants)]
        extra += events.drain()
        t0 = time.perf_counter()
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        events.wait_for(b"event: reload")
        times.append((time.perf_counter() - t0) * 1000)
        body = get(port, page)
        served.append((time.perf_counter() - t0) * 1000)
        # A mark starting with "!" must be gone from the page.
        if (mark[1:].encode() in body) if mark.startswith("!") else (mark.encode() not in body):
            sys.exit(f"the reloaded page {page}: {mark!r} after saving {path} ({times[-1]:.0f} ms)")
        # Until the rest of the site is rendered: the next save is measured on its own.
        time.sleep(1.0)
    extra += events.drain()
    return times, served, extra


def report(name, result):
    times, served, extra = result
    print(f"{name:<22} min {min(times):7.1f} ms   median {statistics.median(times):7.1f} ms   max {max(times):7.1f} ms   ({len(times)} saves); page served again: median {statistics.median(served):7.1f} ms; second reloads: {extra}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("site")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--varde", default="target/release/varde")
    ap.add_argument("--no-search", action="store_true", help="pass --no-search to varde serve (no background index)")
    a = ap.parse_args()

    page = None
    for dirpath, _, files in sorted(os.walk(os.path.join(a.site, "content"))):
        for f in sorted(files):
            if f.endswith(".md") and f != "_index.md" and "tjenester" not in dirpath:
                page = os.path.join(dirpath, f)
                break
        if page:
            break
    original = open(page, encoding="utf-8").read()
    # A word of the text (not of the front matter, whose description the lists show), same
    # length and word count, so only the page itself changes: the preview's quick path.
    head_end = original.index("\n---\n", 4) + 5 if original.startswith("---\n") else 0
    head, text = original[:head_end], original[head_end:]
    assert " og " in text, f"{page}: no ' og ' in its text"
    first = text.index(" og ")
    # Each variant with a piece of the text around the edit, as the page shows it.
    body = [
        (head + text.replace(" og ", " så ", 1), text[first - 12 : first].split("\n")[-1] + " så "),
        (original, text[first - 12 : first].split("\n")[-1] + " og "),
    ]

    tdir = os.path.join(a.site, "templates")
    had_templates = os.path.isdir(tdir)
    theme = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "themes", "default", "templates")
    templates = []
    for name, mark in [("page.html", '<article class="article"'), ("base.html", '<a class="skip-link"')]:
        text = open(os.path.join(theme, name), encoding="utf-8").read()
        assert mark in text, f"{name} lacks {mark}"
        edits = [(text.replace(mark, m), m) for m in (mark.replace('class="', f'class="{v} ') for v in "ab")]
        templates.append((name, os.path.join(tdir, name), edits))

    port = free_port()
    # Its messages go nowhere: a pipe nobody reads would fill up and stall the preview.
    extra = ["--no-search"] if a.no_search else []
    started = time.perf_counter()
    proc = subprocess.Popen([a.varde, "serve", "--root", a.site, "--port", str(port)] + extra, stderr=subprocess.DEVNULL)
    try:
        wait_port(port)
        first_page(port)
        print(f"first page served   {(time.perf_counter() - started) * 1000:8.1f} ms after `varde serve` started")
        # The edited page is the one open in the browser.
        url = page_url(port, a.site, page)
        events = Events(port, url)
        report("save one page", measure(events, page, body, a.runs, port, url))
        # Front matter: the title, and a tag added.
        rest = original[len(head):]
        title = re.search(r'^title: "?(.*?)"?$', head, re.M).group(1)
        retitled = head.replace(title, title + " (oppdatert)", 1)
        report("save its title", measure(events, page, [(retitled + rest, "(oppdatert)"), (original, "!(oppdatert)")], a.runs, port, url))
        assert "tags:\n" in head, f"{page}: no tags"
        tagged = head.replace("tags:\n", 'tags:\n  - "nytt-emne"\n', 1)
        report("save its tags", measure(events, page, [(tagged + rest, "nytt-emne"), (original, "!nytt-emne")], a.runs, port, url))
        os.makedirs(tdir, exist_ok=True)
        for name, path, edits in templates:
            # The site's own copy first, not measured: creating a file is a full rebuild;
            # what is measured is editing a template that exists.
            with open(path, "w", encoding="utf-8") as f:
                f.write(edits[1][0])
            events.wait_for(b"event: reload")
            time.sleep(1.0)
            report(f"save {name}", measure(events, path, edits, max(3, a.runs // 2), port, url))
    finally:
        proc.terminate()
        proc.wait()
        with open(page, "w", encoding="utf-8") as f:
            f.write(original)
        for _, path, _ in templates:
            if os.path.exists(path):
                os.remove(path)
        if not had_templates and os.path.isdir(tdir):
            shutil.rmtree(tdir)


if __name__ == "__main__":
    main()
