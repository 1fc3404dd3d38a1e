#!/usr/bin/env python3
"""A built site on 127.0.0.1, for bench/search_budget.mjs.

    python3 bench/static_server.py DIR PORT [--gzip]

With --gzip, text (HTML, CSS, JavaScript, JSON, SVG, XML, plain text) is sent gzipped
(level 6) to a client that accepts it, as static hosts do (GitHub Pages, Netlify, Cloudflare
Pages, nginx with `gzip on`; see the README's guide for deployers). Pagefind's own files are
gzipped already and go as they are. Without it, every file goes as it is on disk, like
`python3 -m http.server`.
"""
import argparse
import functools
import gzip
import http.server
import os

TEXT = (".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt")


class Handler(http.server.SimpleHTTPRequestHandler):
    compress = False
    # Connections kept open, as hosts keep them: with HTTP/1.0 each request was a new
    # connection, and a burst of them overflowed the listen queue (below).
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        wants = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (self.compress and wants and path.endswith(TEXT) and os.path.isfile(path)):
            return super().do_GET()
        # Answer a revalidation as hosts do (304, no body), like the handler without --gzip.
        modified = self.date_time_string(int(os.stat(path).st_mtime))
        if self.headers.get("If-Modified-Since") == modified:
            self.send_response(304)
            self.end_headers()
            return
        with open(path, "rb") as f:
            body = gzip.compress(f.read(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Last-Modified", modified)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("port", type=int)
    ap.add_argument("--gzip", action="store_true")
    a = ap.parse_args()
    Handler.compress = a.gzip
    handler = functools.partial(Handler, directory=a.dir)
    Server(("127.0.0.1", a.port), handler).serve_forever()


class Server(http.server.ThreadingHTTPServer):
    # socketserver's default queue of 5 connections waiting to be accepted is full when a
    # browser opens several at once; the kernel then drops a connection attempt, and the
    # browser tries again after a second (a first search took 0.7-1 s on 127.0.0.1 now and
    # then). Hosts listen with far longer queues.
    request_queue_size = 128
    daemon_threads = True


if __name__ == "__main__":
    main()
