#!/usr/bin/env python3
"""The search benchmark: what the search indexes cost to build and to use.

    python3 bench/search.py                       # 10,000 stories, 3 runs
    python3 bench/search.py --size 1000 --runs 5
    python3 bench/search.py --corpus SITE --no-build

It takes a corpus (bench/corpus.py's, generated once under bench/out/, or
the site folder --corpus names), copies its sources into a folder on disk
(bench/out/search-N/) and one on tmpfs (/dev/shm/digest-search-N/), and
measures, with medians and min–max:

- cold builds (no public/, no .digest-cache/) with `--timings`, on each file
  system, with search and, in turn, of the same site with `search: false`:
  wall and CPU time and peak memory of each, and search's share of the cold
  build (the difference, over the build with search). The indexes are
  built while the pages are written, so no stage's time alone is their
  cost; `search wait` (how long the build waited for them after the pages)
  is reported beside it, and the time `cp -r` takes to copy
  public/pagefind/ on the same file system as the floor of writing their
  files. As in bench/run.py, the outputs of cold builds are set aside and
  deleted only after them;
- each edition's bundle (public/pagefind/{lang}/): bytes and files, by kind;
- one edited article: the rebuild, and how long it waited for its
  edition's index after the pages (one edition indexed again);
- a first query in Chromium: the built tmpfs site is served by nginx on
  127.0.0.1 (with gzip for text, as hosts do; python's http.server without
  it when there is no nginx), each edition's search page is opened in a new
  browser (empty cache), a query is typed and the results are awaited. The
  Resource Timing API gives every fetch: bytes transferred (transferSize,
  headers included) and bodies before HTTP decompression (encodedBodySize)
  and after (decodedBodySize), for the page load and, separately, for
  everything from focusing the search box to the results and the quiet
  after them;
- `digest serve`: save -> reload event (bench/reload_latency.py) with the
  indexes on, and that each save's index catches up in the background.

The browser is driven through chromedriver's WebDriver protocol; only the
standard library is used. The report is printed and written to
bench/out/search-N.md. The copies are deleted at the end (--keep keeps them).
"""

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as bench  # noqa: E402  (the shared helpers of bench/run.py)

# Real queries, typed as a reader would: a word many stories share and a
# rarer one or two, per edition. The Arabic ones are spelled as readers
# type them (no hamza, ه for ة), not as the stories spell them.
QUERIES = {
    "en": ["militias", "withdrawal advisers"],
    "ar": ["الاميركيه", "الحوار الاستراتيجي"],
}


def main():
    args = parse_args()
    os.makedirs(bench.OUT, exist_ok=True)
    if not args.no_build:
        bench.sh(["cargo", "build", "--release", "--quiet", "--bin", "digest"], cwd=bench.REPO)
    source = args.corpus or bench.corpus(args.size)
    folders = {
        "tmpfs": os.path.join(args.tmpfs, f"digest-search-{args.size}"),
        "disk": os.path.join(bench.OUT, f"search-{args.size}"),
    }
    if args.no_disk:
        del folders["disk"]
    rows = {}
    try:
        for fs, folder in folders.items():
            copy_sources(source, folder)
            rows.update(cold_builds(fs, folder, args.runs))
        tmpfs = folders["tmpfs"]
        rows.update(bundle_sizes(tmpfs))
        rows.update(one_edit(tmpfs, args.runs))
        if not args.no_browser:
            rows.update(first_queries(tmpfs, args.chromedriver, args.chromium))
        if not args.no_serve:
            rows.update(serve(tmpfs, args.saves))
    finally:
        if not args.keep:
            for folder in folders.values():
                shutil.rmtree(folder, ignore_errors=True)
    lines = [
        f"Machine: {bench.machine()}",
        f"Corpus: {source} ({count_stories(source):,} article files)",
        f"Runs per figure: {args.runs} (median, min–max)",
        "",
        *bench.table(rows),
    ]
    bench.write_report(f"search-{args.size}", lines)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", type=int, default=10000, help="stories in the generated corpus")
    p.add_argument("--corpus", help="a site folder to copy instead of the generated corpus")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--saves", type=int, default=10, help="saves timed in digest serve")
    p.add_argument("--tmpfs", default="/dev/shm", help="a folder on tmpfs")
    p.add_argument("--no-disk", action="store_true", help="cold builds on tmpfs only")
    p.add_argument("--chromedriver", default=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    p.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    p.add_argument("--no-build", action="store_true", help="use the existing release binary")
    p.add_argument("--no-browser", action="store_true", help="skip the Chromium measurements")
    p.add_argument("--no-serve", action="store_true", help="skip digest serve")
    p.add_argument("--keep", action="store_true", help="keep the copies of the site")
    return p.parse_args()


def copy_sources(source, folder):
    """The site's sources (no output, no cache) in a fresh folder."""
    if os.path.exists(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    for name in ("content", "themes"):
        if os.path.isdir(os.path.join(source, name)):
            shutil.copytree(os.path.join(source, name), os.path.join(folder, name))
    shutil.copy(os.path.join(source, "digest.yaml"), folder)


def count_stories(site):
    return sum(n.endswith(".md") for _, _, names in os.walk(os.path.join(site, "content")) for n in names)


def build(site):
    """`digest build --timings`: (wall s, CPU s, peak RSS MB, {stage: ms})."""
    wall, user, system, rss, out = bench.timed([bench.BINARY, "build", "--timings", "--root", site])
    return wall, user + system, rss, stages(out)


def stages(out):
    """The stages of `--timings`, without the line's total."""
    line = next((l for l in out.splitlines() if l.startswith("stages: ")), None)
    if line is None:
        sys.exit(f"no stages in the build's output:\n{out}")
    found = re.findall(r"([a-z][a-z ]*?) (\d+) ms", line[len("stages: "):])
    return {name: float(ms) for name, ms in found if name != "total"}


def set_search(site, on):
    """Turns the site's search on (the default) or off (`search: false`)."""
    path = os.path.join(site, "digest.yaml")
    with open(path, encoding="utf-8") as f:
        lines = [l for l in f.read().splitlines() if not l.startswith("search:")]
    if not on:
        lines.append("search: false")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def cold_builds(fs, site, runs):
    """Cold builds with search and, in turn, the same site without it
    (`search: false`): what search adds to a cold build is the
    difference. The indexes are built while the pages are written, so no
    stage's time alone is their cost; `search wait` is how long the build
    waited for them after its pages."""
    on, off, waits, shares, cpu_on, cpu_off, rss_on, rss_off, floors = ([] for _ in range(9))
    bench.empty_trash(site)
    for _ in range(runs):
        set_search(site, True)
        bench.clean(site)
        wall, cpu, rss, stage = build(site)
        on.append(wall)
        cpu_on.append(cpu)
        rss_on.append(rss)
        waits.append(stage.get("search wait", 0) / 1000)
        floors.append(copy_floor(site))
        set_search(site, False)
        bench.clean(site)
        wall_off, cpu, rss, _ = build(site)
        off.append(wall_off)
        cpu_off.append(cpu)
        rss_off.append(rss)
        shares.append(100 * (wall - wall_off) / wall)
    set_search(site, True)
    bench.clean(site)
    build(site)
    bench.empty_trash(site)
    med_share = statistics.median(shares)
    cpu_share = 100 * (statistics.median(cpu_on) - statistics.median(cpu_off)) / statistics.median(cpu_on)
    return {
        f"cold build, {fs}": bench.summary(on),
        f"cold build without search (search: false), {fs}": bench.summary(off),
        f"search's share of the cold build's wall time, {fs}": (
            f"{med_share:.1f}% ({min(shares):.1f}–{max(shares):.1f}%)"),
        f"CPU time with / without search, {fs}": (
            f"{statistics.median(cpu_on):.1f} s / {statistics.median(cpu_off):.1f} s "
            f"(search {cpu_share:.1f}% of the CPU)"),
        f"peak memory with / without search, {fs}": (
            f"{statistics.median(rss_on):,.0f} MB / {statistics.median(rss_off):,.0f} MB"),
        f"waiting for the indexes after the pages (`search wait`), {fs}": bench.summary(waits),
        f"cp -r public/pagefind/ (writing the bundles' files), {fs}": bench.summary(floors),
    }


def copy_floor(site):
    copy = os.path.join(bench.trash(site), f"pagefind-{time.time_ns()}")
    os.makedirs(bench.trash(site), exist_ok=True)
    return bench.wall(lambda: bench.sh(["cp", "-r", os.path.join(site, "public", "pagefind"), copy]))


def bundle_sizes(site):
    rows = {}
    root = os.path.join(site, "public", "pagefind")
    for lang in sorted(os.listdir(root)):
        kinds = {}
        for folder, _, names in os.walk(os.path.join(root, lang)):
            for name in names:
                kind = piece_kind(name)
                size, files = kinds.get(kind, (0, 0))
                kinds[kind] = (size + os.path.getsize(os.path.join(folder, name)), files + 1)
        size = sum(s for s, _ in kinds.values())
        files = sum(n for _, n in kinds.values())
        detail = ", ".join(f"{kind} {s / 1e6:,.1f} MB in {n:,}" for kind, (s, n) in sorted(kinds.items()))
        rows[f"bundle public/pagefind/{lang}/"] = f"{size / 1e6:,.1f} MB ({size:,} bytes), {files:,} files: {detail}"
    return rows


def piece_kind(name):
    for ext, kind in ((".pf_fragment", "fragments"), (".pf_index", "index chunks"),
                      (".pf_filter", "filters"), (".pf_meta", "metadata")):
        if name.endswith(ext):
            return kind
    return "scripts, styles and wasm"


def one_edit(site, runs):
    """A sentence appended to one English article: its edition is indexed
    again, the other is not."""
    folder = os.path.join(site, "content", "news")
    names = sorted(n for n in os.listdir(folder) if n.endswith(".en.md"))
    times, walls = [], []
    for k in range(runs):
        with open(os.path.join(folder, names[k]), "a", encoding="utf-8") as f:
            f.write(f"\nA correction, revision {k}.\n")
        wall, _, _, stage = build(site)
        walls.append(wall)
        times.append(stage.get("search wait", 0) / 1000)
    return {
        "one edited article: rebuild": bench.summary(walls),
        "one edited article: waiting for its edition's index after the pages": bench.summary(times),
    }


# --- the browser ------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, process, what, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{what} stopped (exit {process.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"{what} did not listen on {port}")


NGINX_CONF = """daemon off;
master_process off;
worker_processes 1;
pid "{d}/nginx.pid";
error_log stderr warn;
events {{ worker_connections 256; }}
http {{
    types {{
        text/html html; text/css css; text/javascript js; application/json json;
        application/xml xml; text/plain txt; image/svg+xml svg; application/wasm wasm;
    }}
    default_type application/octet-stream;
    charset utf-8;
    charset_types text/css text/plain text/javascript application/xml application/json;
    gzip on;
    gzip_types text/css text/javascript application/json application/xml image/svg+xml;
    access_log off;
    client_body_temp_path "{d}/body"; proxy_temp_path "{d}/proxy";
    fastcgi_temp_path "{d}/fastcgi"; uwsgi_temp_path "{d}/uwsgi"; scgi_temp_path "{d}/scgi";
    server {{
        listen 127.0.0.1:{port};
        root "{root}";
        index index.html;
        error_page 404 /404.html;
    }}
}}
"""


class StaticServer:
    """nginx (gzip for text) or python's http.server serving `root`."""

    def __init__(self, root):
        self.dir = tempfile.mkdtemp(prefix="digest-search-bench-")
        self.port = free_port()
        nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
        if nginx:
            conf = os.path.join(self.dir, "nginx.conf")
            with open(conf, "w") as f:
                f.write(NGINX_CONF.format(d=self.dir, port=self.port, root=root))
            cmd = [nginx, "-p", self.dir, "-c", conf, "-e", "stderr"]
            self.name = "nginx, gzip for text"
        else:
            cmd = [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", root, str(self.port)]
            self.name = "python http.server, no compression"
        self.process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, self.process, self.name)
        self.origin = f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.process.terminate()
        self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


class WebDriver:
    """A chromedriver and the W3C WebDriver commands this benchmark needs."""

    def __init__(self, chromedriver, chromium):
        self.port = free_port()
        self.chromium = chromium
        self.process = subprocess.Popen([chromedriver, f"--port={self.port}"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, self.process, "chromedriver")

    def call(self, method, path, body=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        data = json.dumps(body if body is not None else {}) if method == "POST" else None
        connection.request(method, path, body=data, headers={"Content-Type": "application/json"})
        response = json.loads(connection.getresponse().read())
        connection.close()
        value = response.get("value")
        if isinstance(value, dict) and "error" in value:
            raise RuntimeError(f"{method} {path}: {value['error']}: {value.get('message', '')}")
        return value

    def session(self):
        """A new browser with a profile of its own: nothing cached."""
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": self.chromium, "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,900",
            ]},
        }}}
        return Session(self, self.call("POST", "/session", caps)["sessionId"])

    def stop(self):
        self.process.terminate()
        self.process.wait()


class Session:
    def __init__(self, driver, sid):
        self.driver, self.sid = driver, sid

    def call(self, method, path, body=None):
        return self.driver.call(method, f"/session/{self.sid}{path}", body)

    def open(self, url):
        self.call("POST", "/url", {"url": url})

    def js(self, script, *args):
        return self.call("POST", "/execute/sync", {"script": script, "args": list(args)})

    def type_into(self, css, text):
        found = self.call("POST", "/element", {"using": "css selector", "value": css})
        element = next(iter(found.values()))
        self.call("POST", f"/element/{element}/click")
        self.call("POST", f"/element/{element}/value", {"text": text})

    def close(self):
        self.call("DELETE", "")


RESOURCES = """
const entries = performance.getEntriesByType('resource').map(e => ({
  name: e.name, type: e.initiatorType, transfer: e.transferSize,
  encoded: e.encodedBodySize, decoded: e.decodedBodySize}));
if (arguments[0]) {
  const nav = performance.getEntriesByType('navigation')[0];
  entries.unshift({name: nav.name, type: 'navigation', transfer: nav.transferSize,
                   encoded: nav.encodedBodySize, decoded: nav.decodedBodySize});
}
return entries;
"""

STATE = """
const list = document.querySelector('.search-results');
return {results: list.querySelectorAll('li').length, busy: list.hasAttribute('aria-busy'),
        status: document.querySelector('.search-status').textContent,
        count: performance.getEntriesByType('resource').length};
"""


def first_query(session, origin, lang, query):
    """The page load's fetches and the first query's, on an empty cache."""
    session.open(f"{origin}/{lang}/search/")
    wait(lambda: session.js("return document.readyState") == "complete")
    quiet(session)
    load = session.js(RESOURCES, True)
    session.js("performance.setResourceTimingBufferSize(100000); performance.clearResourceTimings();")
    started = time.perf_counter()
    session.type_into("#search-query", query)
    state = wait(lambda: finished(session.js(STATE)))
    took = time.perf_counter() - started
    quiet(session)
    fetched = session.js(RESOURCES, False)
    if any(not e["name"].startswith(origin) for e in load + fetched):
        sys.exit(f"a request left the site: {[e['name'] for e in load + fetched if not e['name'].startswith(origin)]}")
    return load, fetched, state, took


def finished(state):
    """The state once a search has shown its results or said there are none
    (the status says "searching" while it runs, with the list busy)."""
    return state if state["status"] and not state["busy"] else None


def wait(check, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    sys.exit("timed out waiting for the page")


def quiet(session, still=1.0):
    """Waits until no new fetch has started for `still` seconds."""
    count, since = -1, time.monotonic()
    while time.monotonic() - since < still:
        now = session.js("return performance.getEntriesByType('resource').length")
        if now != count:
            count, since = now, time.monotonic()
        time.sleep(0.1)


def totals(entries):
    return (sum(e["transfer"] for e in entries), sum(e["encoded"] for e in entries),
            sum(e["decoded"] for e in entries), len(entries))


def by_kind(entries, origin):
    kinds = {}
    for e in entries:
        name = e["name"][len(origin):].split("?")[0]
        kind = piece_kind(name) if "/pagefind/" in name else "page and theme"
        if name.endswith("pagefind-entry.json"):
            kind = "entry"
        t, n = kinds.get(kind, (0, 0))
        kinds[kind] = (t + e["transfer"], n + 1)
    return ", ".join(f"{k} {t / 1000:,.1f} KB ({n})" for k, (t, n) in sorted(kinds.items()))


def first_queries(site, chromedriver, chromium):
    server = StaticServer(os.path.join(site, "public"))
    driver = WebDriver(chromedriver, chromium)
    rows = {}
    try:
        for lang, queries in QUERIES.items():
            for query in queries:
                session = driver.session()
                try:
                    load, fetched, state, took = first_query(session, server.origin, lang, query)
                finally:
                    session.close()
                lt, le, ld, ln = totals(load)
                qt, qe, qd, qn = totals(fetched)
                rows[f"/{lang}/search/ page load ({server.name})"] = (
                    f"{lt / 1000:,.1f} KB transferred in {ln} requests ({ld / 1000:,.1f} KB decoded)")
                rows[f"first query “{query}” on /{lang}/search/"] = (
                    f"{qt / 1000:,.1f} KB transferred in {qn} requests "
                    f"({qe / 1000:,.1f} KB of bodies, {qd / 1000:,.1f} KB decoded); "
                    f"{state['results']} results shown, “{state['status']}”, {took:.2f} s to results; "
                    f"{by_kind(fetched, server.origin)}")
    finally:
        driver.stop()
        server.stop()
    return rows


# --- digest serve -------------------------------------------------------------


def serve(site, saves, settle=60):
    """bench/reload_latency.py with the indexes on: each save's pages are
    published at once and its edition's index catches up in the background
    (at nice 19, the newest save's job replacing a waiting one)."""
    result = subprocess.run(
        [sys.executable, os.path.join(HERE, "reload_latency.py"), site, "--runs", str(saves),
         "--digest", bench.BINARY, "--settle", str(settle)],
        capture_output=True, text=True,
    )
    match = re.search(r"median ([\d.]+) ms, min ([\d.]+) ms, max ([\d.]+) ms", result.stdout)
    if result.returncode != 0 or not match:
        sys.exit(f"reload_latency.py failed:\n{result.stdout}\n{result.stderr}")
    print(result.stdout, file=sys.stderr)
    updates = re.search(r"search index updates: (\d+)", result.stdout).group(1)
    took = re.findall(r"search index of the (\w+) edition updated in ([\d.]+ m?s)", result.stdout)
    caught = re.search(r"index caught up (\d+) ms after the last save", result.stdout)
    median, low, high = match.groups()
    return {
        "serve, search on: save → reload event": f"{float(median):.0f} ms ({float(low):.0f}–{float(high):.0f} ms, {saves} saves)",
        "serve: search index updates in the background": (
            f"{updates} during {saves + 1} saves and {settle} s after; each took "
            f"{', '.join(f'{t} ({lang})' for lang, t in took)}"),
        "serve: index caught up after the last save": (
            f"{int(caught.group(1)) / 1000:.1f} s" if caught else f"not within {settle} s"),
    }


if __name__ == "__main__":
    main()
