#!/usr/bin/env python3
"""Measure how long `digest serve` takes from saving an article to telling
the open pages to reload.

    python3 bench/reload_latency.py SITE [--runs 10] [--digest PATH]

SITE is a site folder (digest.yaml, content/, themes/), e.g. one made by
bench/corpus.py. The script starts `digest serve --port 0` on it, listens to
the live-reload stream (/__digest/reload) as a browser page does, then
saves one article again and again, each time with a new title, and times
each save until its reload event arrives. It also reads the rebuild time the
server prints. The article is restored at the end.

The server builds the search indexes in the background: each update it
reports is printed with its time since the last save, and --settle waits
that many seconds after the last save for the index to catch up.
--indexed N waits for the server's first N index updates (one per
edition) before the first save, so that the saves find the indexer idle.

Build digest with `cargo build --release` first: the default binary is
target/release/digest. Only the standard library is used.
"""

import argparse
import http.client
import os
import queue
import re
import statistics
import subprocess
import sys
import threading
import time
from urllib.parse import urlparse

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    args = parse_args()
    article = args.article or first_article(args.site)
    server = Server(args.digest, args.site)
    try:
        reloads = listen(server.url)
        original = read(article)
        if args.indexed:
            # Saves with the indexer idle: its first indexes are built.
            deadline = time.perf_counter() + args.timeout * 10
            while len(server.indexed) < args.indexed and time.perf_counter() < deadline:
                time.sleep(0.2)
            print(f"{len(server.indexed)} search index updates before the first save", flush=True)
            server.indexed.clear()
        latencies, builds = [], []
        for run in range(args.runs):
            latency, build = save_and_wait(article, original, run, reloads, server)
            latencies.append(latency)
            builds.append(build)
            print(f"run {run + 1}: reload event {latency:.1f} ms after the save"
                  f" (rebuild {build})", flush=True)
            time.sleep(args.pause)
        last_save = write(article, original)
        reloads.get(timeout=args.timeout)
        if args.settle:
            time.sleep(args.settle)
        report(args.site, article, latencies, builds)
        report_indexes(server, last_save)
    finally:
        server.stop()


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("site", help="the site's folder")
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--digest", default=os.path.join(REPO, "target", "release", "digest"))
    p.add_argument("--article", help="the article to edit [default: the first .en.md]")
    p.add_argument("--pause", type=float, default=0.5,
                   help="seconds between saves, so that runs do not overlap")
    p.add_argument("--timeout", type=float, default=120.0,
                   help="seconds to wait for one reload event")
    p.add_argument("--indexed", type=int, default=0,
                   help="wait for this many search index updates (one per edition) before the first save")
    p.add_argument("--settle", type=float, default=0.0,
                   help="seconds to wait after the last save for the search index to catch up")
    return p.parse_args()


def first_article(site):
    for folder, dirs, files in sorted(os.walk(os.path.join(site, "content"))):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".en.md"):
                return os.path.join(folder, name)
    sys.exit(f"no .en.md article under {site}/content")


class Server:
    """`digest serve` on a free port; the rebuild times it prints are queued."""

    def __init__(self, digest, site):
        self.process = subprocess.Popen(
            [digest, "serve", "--port", "0", "--root", site],
            stdout=subprocess.PIPE, text=True)
        self.builds = queue.Queue()
        self.indexed = []  # (arrival, line) of each search index update
        self.url = None
        for line in self.process.stdout:
            print(f"  digest: {line.rstrip()}", flush=True)
            if line.startswith("serving "):
                self.url = line.split()[1]
                break
        if self.url is None:
            sys.exit("digest serve stopped before serving")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            if line.startswith("search index of the"):
                self.indexed.append((time.perf_counter(), line.strip()))
            found = re.search(r"(?:built|checked) in ([0-9.]+ m?s)(.*)", line)
            if found:
                updated = re.match(r": ([0-9]+ of [0-9]+) files", found.group(2))
                detail = f", {updated.group(1)} files updated" if updated else ""
                self.builds.put(found.group(1) + detail)

    def stop(self):
        self.process.terminate()
        self.process.wait()


def listen(url):
    """Opens the reload stream; each reload event's arrival time is queued."""
    address = urlparse(url)
    connection = http.client.HTTPConnection(address.hostname, address.port)
    connection.request("GET", "/__digest/reload")
    response = connection.getresponse()
    if response.status != 200:
        sys.exit(f"the reload stream answered {response.status}")
    events = queue.Queue()

    def read():
        for raw in response:
            if raw.startswith(b"event: reload"):
                events.put(time.perf_counter())

    threading.Thread(target=read, daemon=True).start()
    return events


def save_and_wait(article, original, run, reloads, server):
    """Saves the article with a new title; returns (ms to the event, rebuild time)."""
    text = re.sub(r"^title: *(.*)$", lambda m: f"title: {retitle(m.group(1), run)}",
                  original, count=1, flags=re.M)
    while not reloads.empty():
        reloads.get_nowait()
    saved = write(article, text)
    arrived = reloads.get(timeout=120)
    build = server.builds.get(timeout=120)
    return (arrived - saved) * 1000, build


def retitle(title, run):
    quote = title[:1] if title[:1] in "\"'" else ""
    bare = title.strip("\"'")
    return f"{quote}{bare} (edit {run + 1}){quote}"


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def write(path, text):
    """Writes as an editor saves; returns the time the file was closed."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return time.perf_counter()


def report(site, article, latencies, builds):
    print()
    print(f"site: {site} ({count_articles(site)} article files)")
    print(f"edited: {os.path.relpath(article, site)}")
    print(f"save -> reload event over {len(latencies)} runs: "
          f"median {statistics.median(latencies):.1f} ms, "
          f"min {min(latencies):.1f} ms, max {max(latencies):.1f} ms")
    print("rebuilds as the server reported them:")
    for build in builds:
        print(f"  {build}")


def report_indexes(server, last_save):
    """The search index updates the server reported, the last one's time
    after the last save (the index catching up)."""
    print(f"search index updates: {len(server.indexed)}")
    for arrival, line in server.indexed:
        print(f"  {(arrival - last_save) * 1000:+.0f} ms after the last save: {line}")
    after = [arrival for arrival, _ in server.indexed if arrival > last_save]
    if after:
        print(f"index caught up {(max(after) - last_save) * 1000:.0f} ms after the last save")


def count_articles(site):
    return sum(name.endswith(".md")
               for _, _, files in os.walk(os.path.join(site, "content"))
               for name in files)


if __name__ == "__main__":
    main()
