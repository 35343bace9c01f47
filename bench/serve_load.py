#!/usr/bin/env python3
"""Load and abuse `digest serve` from other processes while its files change.

    python3 bench/serve_load.py [--digest PATH] [--stories 300] [--duration 60]
                                [--connections 200] [--idle 500] [--slow 50]

The script makes a site (the example site plus STORIES generated stories in
both editions) in a temporary folder and starts `digest serve --port 0` on
it. Then, at the same time:

- wrk (a maintained load generator: `apt-get install wrk`) sends requests
  for random article pages over CONNECTIONS concurrent connections on
  127.0.0.1, in three rounds that together last DURATION seconds;
- IDLE connections are opened and never send a byte (half-open), and SLOW
  connections send their request one byte a second (slowloris);
- an editor saves an article every 0.2 s, so the server keeps rebuilding;
- a probe opens a fresh connection twice a second and fetches the front
  page, timing it: slow and idle clients must not hold it up;
- a listener holds the live-reload stream open, as a page in a browser
  does, and counts the reload events it is sent;
- the server's resident memory is sampled five times a second.

After the load, one more edit must reach the listener as a reload event
within five seconds, and the edited page must show the new title.

It fails (exit 1) if any request failed or got another status than 200, if
the server died, if the probe ever waited more than a second, if memory
grew from round to round by more than 20 %, or if live reload stopped
delivering. Figures go to stdout; the ROBUSTNESS.md figures come from here.
Exit 77 if wrk is not installed.

Build digest with `cargo build --release` first: the default binary is
target/release/digest. Only the standard library is used (and wrk).
"""

import argparse
import http.client
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    args = parse_args()
    wrk = shutil.which(args.wrk)
    if wrk is None:
        print(f"skipped: {args.wrk} is not installed (apt-get install wrk)", file=sys.stderr)
        sys.exit(77)
    if not os.path.exists(args.digest):
        sys.exit(f"no digest binary at {args.digest}: run cargo build --release")
    with tempfile.TemporaryDirectory(prefix="digest-load-") as site:
        make_site(site, args.stories)
        server = Server(args.digest, site)
        try:
            failures = run(args, wrk, site, server)
        finally:
            server.stop()
    if failures:
        print("FAILED: " + "; ".join(failures))
        sys.exit(1)
    print("ok")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--digest", default=os.path.join(REPO, "target", "release", "digest"))
    p.add_argument("--wrk", default="wrk")
    p.add_argument("--stories", type=int, default=300)
    p.add_argument("--duration", type=float, default=60, help="seconds of load, in all")
    p.add_argument("--connections", type=int, default=200)
    p.add_argument("--idle", type=int, default=500)
    p.add_argument("--slow", type=int, default=50)
    return p.parse_args()


def make_site(site, stories):
    """The example site, plus generated stories story-000 … in news/."""
    for part in ("themes", "content"):
        shutil.copytree(os.path.join(REPO, part), os.path.join(site, part))
    shutil.copy(os.path.join(REPO, "digest.yaml"), site)
    news = os.path.join(site, "content", "news")
    for n in range(stories):
        for lang, title, body in (
            ("en", f"Story {n}: talks continue", "Washington said it would keep its forces. " * 40),
            ("ar", f"الخبر {n}: الحوار مستمر", "قالت واشنطن إنها ستبقي قواتها. " * 40),
        ):
            date = f"2021-{1 + n % 12:02}-{1 + n % 28:02}"
            with open(os.path.join(news, f"story-{n:03}.{lang}.md"), "w") as f:
                f.write(f"---\ntitle: \"{title}\"\ndate: {date}\ntags: [iraq, us-forces]\n---\n"
                        f"{body}\n\n## More\n\n{body}\n")


class Server:
    def __init__(self, digest, site):
        self.proc = subprocess.Popen(
            [digest, "serve", "--root", site, "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines = []
        for line in self.proc.stdout:
            self.lines.append(line)
            m = re.search(r"serving (http://\S+/)", line)
            if m:
                self.url = m.group(1)
                break
        else:
            sys.exit("digest serve did not start:\n" + "".join(self.lines))
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    def rss_kb(self):
        try:
            with open(f"/proc/{self.proc.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            return None

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def run(args, wrk, site, server):
    host, port = server.url.split("//")[1].rstrip("/").rsplit(":", 1)
    stop = threading.Event()
    failures = []
    memory = []
    probes = []
    edits = [0]
    reloads = []

    def sample_memory():
        while not stop.is_set():
            rss = server.rss_kb()
            if rss is not None:
                memory.append((time.monotonic(), rss))
            time.sleep(0.2)

    def edit():
        rng = random.Random(1)
        while not stop.is_set():
            edit_title(site, rng.randrange(args.stories), f"edit {edits[0]}")
            edits[0] += 1
            time.sleep(0.2)

    def probe():
        while not stop.is_set():
            started = time.monotonic()
            try:
                with urllib.request.urlopen(server.url, timeout=10) as r:
                    r.read()
                    status = r.status
            except Exception as e:  # noqa: BLE001 - any failure is a finding
                status = repr(e)
            probes.append((time.monotonic() - started, status))
            time.sleep(0.5)

    listener = ReloadListener(server.url)
    idle = open_idle(host, int(port), args.idle)
    slow = [threading.Thread(target=slowloris, args=(host, int(port), stop), daemon=True)
            for _ in range(args.slow)]
    threads = [threading.Thread(target=f, daemon=True) for f in (sample_memory, edit, probe)]
    for t in threads + slow:
        t.start()
    time.sleep(1)
    with tempfile.TemporaryDirectory(prefix="digest-wrk-") as scripts:
        lua = os.path.join(scripts, "random_articles.lua")
        with open(lua, "w") as f:
            f.write(WRK_SCRIPT.replace("STORIES", str(args.stories)))
        rounds = []
        for n in range(3):
            started = time.monotonic()
            result = subprocess.run(
                [wrk, "-t", "2", "-c", str(args.connections), "-d", f"{args.duration / 3:.0f}s",
                 "--timeout", "5s", "-s", lua, server.url],
                capture_output=True, text=True)
            report = wrk_report(result.stdout)
            if result.returncode != 0 or report is None:
                failures.append(f"wrk failed: {result.stdout.strip()} {result.stderr.strip()}")
                break
            during = [rss for t, rss in memory if t >= started]
            rounds.append((report, max(during) if during else None))
    stop.set()
    for t in threads:
        t.join(timeout=5)
    reloads_during_load = listener.count()
    alive = server.proc.poll() is None
    still_idle = sum(1 for s in idle if still_open(s))
    for s in idle:
        s.close()
    reload_ok, reload_wait, page_ok = check_reload(site, server.url, listener)
    listener.close()

    total = sum(r["requests"] for r, _ in rounds)
    socket_errors = {k: sum(r["errors"][k] for r, _ in rounds)
                     for k in ("connect", "read", "write", "timeout")}
    non_200 = sum(r["non_200"] for r, _ in rounds)
    failed = non_200 + sum(socket_errors.values())
    rps = [r["requests"] / r["seconds"] for r, _ in rounds]
    p99 = [r["p99_us"] / 1000 for r, _ in rounds]
    slowest = max((r["max_us"] / 1000 for r, _ in rounds), default=0)
    peaks = [peak for _, peak in rounds]
    probe_worst = max((d for d, _ in probes), default=0)
    probe_bad = [s for _, s in probes if s != 200]
    rebuilds = sum(1 for line in server.lines if line.startswith("built in "))
    build_errors = [line for line in server.lines if "error" in line]

    print(f"site: {args.stories * 2} generated articles + the example site")
    print(f"load: wrk, {args.connections} connections, 3 rounds of {args.duration / 3:.0f} s, "
          f"random article pages; {args.idle} idle and {args.slow} slow connections held open")
    print(f"requests: {total} sent, {total - failed} served with 200, {failed} failed "
          f"(other status: {non_200}; socket errors: {socket_errors})")
    print(f"throughput per round: {', '.join(f'{x:.0f}' for x in rps)} requests/s; "
          f"p99 latency: {', '.join(f'{x:.1f}' for x in p99)} ms; slowest: {slowest:.0f} ms")
    print(f"edits saved during the load: {edits[0]}; rebuilds that updated pages: {rebuilds}")
    print(f"probe (fresh connection, front page): {len(probes)} requests, "
          f"slowest {probe_worst * 1000:.0f} ms, failures {len(probe_bad)}")
    print(f"idle connections still open at the end: {still_idle} of {args.idle}")
    print(f"live reload: {reloads_during_load} reload events during the load; after it, "
          f"an edit reached the page's stream in {reload_wait:.2f} s "
          f"({'delivered' if reload_ok else 'NOT delivered'}), the page "
          f"{'shows' if page_ok else 'does NOT show'} the edit")
    if memory:
        print(f"resident memory: start {memory[0][1] / 1024:.0f} MB, peak per round "
              f"{', '.join(f'{p / 1024:.0f}' for p in peaks if p)} MB, "
              f"peak overall {max(r for _, r in memory) / 1024:.0f} MB")

    if not alive:
        failures.append("the server died")
    if failed:
        failures.append(f"{failed} requests failed")
    if probe_bad:
        failures.append(f"probe failures: {probe_bad[:3]}")
    if probe_worst > 1.0:
        failures.append(f"a probe waited {probe_worst:.1f} s")
    if len(peaks) == 3 and all(peaks) and peaks[2] > peaks[0] * 1.2:
        failures.append(f"memory grew from {peaks[0]} kB to {peaks[2]} kB")
    if edits[0] < 10 or rebuilds < 5:
        failures.append(f"too few edits ({edits[0]}) or rebuilds ({rebuilds})")
    if reloads_during_load == 0 or not reload_ok or not page_ok:
        failures.append("live reload stopped delivering")
    if build_errors:
        failures.append(f"the server reported errors: {build_errors[:3]}")
    return failures


# Random article pages; counts responses other than 200 per thread and
# prints the figures as JSON when the run ends.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non_200 = 0; math.randomseed(os.time() + math.random(1000000)) end
function request()
  local lang = math.random(2) == 1 and "ar" or "en"
  return wrk.format("GET", string.format("/%s/news/story-%03d/", lang, math.random(STORIES) - 1))
end
function response(status, headers, body) if status ~= 200 then non_200 = non_200 + 1 end end
function done(summary, latency, requests)
  local non = 0
  for _, t in ipairs(threads) do non = non + t:get("non_200") end
  local e = summary.errors
  io.write(string.format(
    'JSON {"requests": %d, "seconds": %f, "non_200": %d, "p99_us": %d, "max_us": %d, '
    .. '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}}\\n',
    summary.requests, summary.duration / 1e6, non, latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout, e.status))
end
"""


def wrk_report(stdout):
    """The figures the script above printed, or None."""
    for line in stdout.splitlines():
        if line.startswith("JSON "):
            return json.loads(line[5:])
    return None


def edit_title(site, n, label):
    """Saves story n (English) with a new title, atomically as editors do."""
    path = os.path.join(site, "content", "news", f"story-{n:03}.en.md")
    with open(path) as f:
        text = f.read()
    text = re.sub(r"title: \"Story \d+[^\"]*\"", f"title: \"Story {n}: {label}\"", text)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


class ReloadListener:
    """Holds the live-reload stream open, as a page does, counting events."""

    def __init__(self, url):
        host, port = url.split("//")[1].rstrip("/").rsplit(":", 1)
        self.conn = http.client.HTTPConnection(host, int(port), timeout=None)
        self.conn.request("GET", "/__digest/reload")
        self.response = self.conn.getresponse()
        self.events = 0
        self.changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        try:
            for line in self.response:
                if line.startswith(b"event: reload"):
                    with self.changed:
                        self.events += 1
                        self.changed.notify_all()
        except (OSError, ValueError):
            pass

    def count(self):
        with self.changed:
            return self.events

    def wait_for_more_than(self, count, timeout):
        with self.changed:
            return self.changed.wait_for(lambda: self.events > count, timeout)

    def close(self):
        self.conn.sock and self.conn.sock.shutdown(socket.SHUT_RDWR)
        self.conn.close()


def check_reload(site, url, listener):
    """One more edit, once the load is over: (event delivered within 5 s,
    seconds waited, the page shows the edit)."""
    time.sleep(1)  # let the last rebuild of the load settle
    before = listener.count()
    started = time.monotonic()
    edit_title(site, 0, "after the load")
    delivered = listener.wait_for_more_than(before, 5)
    waited = time.monotonic() - started
    with urllib.request.urlopen(url + "en/news/story-000/", timeout=10) as r:
        page = r.read().decode()
    return delivered, waited, "Story 0: after the load" in page


def open_idle(host, port, count):
    """Connections that never send anything."""
    sockets = []
    for _ in range(count):
        s = socket.create_connection((host, port), timeout=5)
        sockets.append(s)
    return sockets


def still_open(sock):
    """Whether the server has not closed the connection."""
    sock.setblocking(False)
    try:
        return sock.recv(1) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False


def slowloris(host, port, stop):
    """Sends a request one byte a second, reconnecting when dropped."""
    request = f"GET / HTTP/1.1\r\nHost: {host}\r\nX-Slow: {'a' * 200}\r\n\r\n".encode()
    while not stop.is_set():
        try:
            with socket.create_connection((host, port), timeout=5) as s:
                for byte in request:
                    if stop.is_set():
                        return
                    s.sendall(bytes([byte]))
                    time.sleep(1)
        except OSError:
            time.sleep(0.5)


if __name__ == "__main__":
    main()
