#!/usr/bin/env python3
"""The digest benchmark: cold, no-op and one-edit builds at several sizes.

    python3 bench/run.py                      # 1,000, 10,000 and 50,000 articles
    python3 bench/run.py --sizes 10000 --runs 5

For each size it generates the corpus once (bench/corpus.py, seeded), then
measures, with medians and min–max over --runs runs:

- cold builds (no public/, no cache): wall time, pages/s, peak RSS
  (/usr/bin/time -v), output size and file count. The last run's output
  is moved aside, not deleted, until the cold builds are done: on ext4
  without a journal, as here, the inode allocator passes over inodes freed
  in the last minutes, so a build started right after deleting the last
  output (tens of thousands of files) pays for that deletion. That figure
  is reported too, as "cold build right after deleting the last output";
- the machine's I/O floor in the same run: reading every input once plus
  copying the produced output tree (cp -r), on the same file system;
- no-op rebuilds (nothing changed) and rebuilds after one edited article;
- `digest serve`: from saving an article to the reload event
  (bench/reload_latency.py).

It prints a Markdown report and writes it to bench/out/results-<size>.md.
"""

import argparse
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
OUT = os.path.join(HERE, "out")
BINARY = os.path.join(REPO, "target", "release", "digest")


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def timed(cmd, cwd=None):
    """Runs cmd under /usr/bin/time -v: (wall s, user s, sys s, peak RSS MB, stdout)."""
    result = subprocess.run(
        ["/usr/bin/time", "-v"] + cmd, cwd=cwd, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}")
    fields = {}
    for line in result.stderr.splitlines():
        key, sep, value = line.strip().partition(": ")
        if sep:
            fields[key.strip()] = value.strip()
    wall = parse_elapsed(fields["Elapsed (wall clock) time (h:mm:ss or m:ss)"])
    return (
        wall,
        float(fields["User time (seconds)"]),
        float(fields["System time (seconds)"]),
        int(fields["Maximum resident set size (kbytes)"]) / 1024,
        result.stdout,
    )


def parse_elapsed(text):
    parts = [float(p) for p in text.split(":")]
    seconds = 0.0
    for p in parts:
        seconds = seconds * 60 + p
    return seconds


def wall(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def summary(values, unit="s", digits=2):
    med = statistics.median(values)
    return f"{med:.{digits}f} {unit} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def tree_size(path):
    total, files = 0, 0
    for root, _, names in os.walk(path):
        for name in names:
            total += os.path.getsize(os.path.join(root, name))
            files += 1
    return total, files


def corpus(size):
    site = os.path.join(OUT, f"site-{size}")
    stamp = os.path.join(site, ".corpus-done")
    if not os.path.exists(stamp):
        print(f"generating {size} bilingual articles …", file=sys.stderr)
        sh([sys.executable, os.path.join(HERE, "corpus.py"), "--articles", str(size), "--out", site])
        open(stamp, "w").close()
    return site


def trash(site):
    return os.path.join(site, ".bench-trash")


def set_aside(site, path):
    """Moves `path` into the site's trash folder, emptied only after the
    cold builds: deleting tens of thousands of files just before a build
    slows the build's own file creation (see BENCHMARKS.md)."""
    if os.path.exists(path):
        os.makedirs(trash(site), exist_ok=True)
        os.rename(path, os.path.join(trash(site), f"{time.time_ns()}"))


def clean(site, delete=False):
    for name in ("public", ".digest-cache"):
        path = os.path.join(site, name)
        if delete and os.path.exists(path):
            shutil.rmtree(path)
        set_aside(site, path)


def empty_trash(site):
    if os.path.exists(trash(site)):
        shutil.rmtree(trash(site))


def build(site):
    return timed([BINARY, "build", "--quiet", "--root", site])


def io_floor(site):
    """Read every input once, then copy the output tree (same file system)."""
    inputs = [
        os.path.join(root, n)
        for d in ("content", "themes")
        for root, _, names in os.walk(os.path.join(site, d))
        for n in names
    ] + [os.path.join(site, "digest.yaml")]

    def read_all():
        for path in inputs:
            with open(path, "rb") as f:
                f.read()

    os.makedirs(trash(site), exist_ok=True)
    copy = os.path.join(trash(site), f"floor-{time.time_ns()}")
    read = wall(read_all)
    copied = wall(lambda: sh(["cp", "-r", os.path.join(site, "public"), copy]))
    return read + copied


def edit_one(site, rng):
    """Appends a sentence to one article, as an editor's fix would."""
    folder = os.path.join(site, "content", "news")
    name = rng.choice(sorted(os.listdir(folder)))
    with open(os.path.join(folder, name), "a", encoding="utf-8") as f:
        f.write(f"\nA correction, revision {rng.randrange(10**9)}.\n")
    return name


def measure(size, runs):
    site = corpus(size)
    rows = {}
    cold, cold_rss, cold_cpu, cold_user, cold_sys, floors, unsettled = [], [], [], [], [], [], []
    empty_trash(site)
    os.sync()
    for _ in range(runs):
        clean(site)
        w, u, s, rss, _ = build(site)
        cold.append(w)
        cold_cpu.append(u + s)
        cold_user.append(u)
        cold_sys.append(s)
        cold_rss.append(rss)
        floors.append(io_floor(site))
    empty_trash(site)
    for _ in range(runs):
        clean(site, delete=True)
        unsettled.append(build(site)[0])
    out_bytes, out_files = tree_size(os.path.join(site, "public"))
    noop = [build(site)[0] for _ in range(runs)]
    rng = random.Random(size)
    edits = []
    for _ in range(runs):
        edit_one(site, rng)
        edits.append(build(site)[0])
    med_cold = statistics.median(cold)
    rows["cold build"] = summary(cold)
    rows["cold build right after deleting the last output"] = summary(unsettled)
    rows["cold build CPU (user+sys)"] = summary(cold_cpu)
    rows["cold build CPU: user / sys (medians)"] = (
        f"{statistics.median(cold_user):.1f} s / {statistics.median(cold_sys):.1f} s")
    rows["pages/s (cold)"] = f"{out_files / med_cold:,.0f}"
    rows["peak RSS (cold)"] = summary(cold_rss, "MB", 0)
    rows["output"] = f"{out_files:,} files, {out_bytes / 1e6:,.0f} MB"
    rows["I/O floor (read inputs + cp -r output)"] = summary(floors)
    rows["cold ÷ I/O floor"] = f"{med_cold / statistics.median(floors):.2f}×"
    rows["no-op rebuild"] = summary(noop) + f" = {100 * statistics.median(noop) / med_cold:.1f}% of cold"
    rows["one edited article"] = summary(edits) + f" = {100 * statistics.median(edits) / med_cold:.1f}% of cold"
    rows["serve: save → reload event"] = reload_latency(site, max(10, runs))
    return rows


def reload_latency(site, runs):
    """The median of bench/reload_latency.py's save → reload event times."""
    result = subprocess.run(
        [sys.executable, os.path.join(HERE, "reload_latency.py"), site, "--runs", str(runs),
         "--digest", BINARY],
        capture_output=True, text=True,
    )
    match = re.search(r"median ([\d.]+) ms, min ([\d.]+) ms, max ([\d.]+) ms", result.stdout)
    if result.returncode != 0 or not match:
        sys.exit(f"reload_latency.py failed:\n{result.stdout}\n{result.stderr}")
    median, low, high = match.groups()
    return f"{float(median):.0f} ms ({float(low):.0f}–{float(high):.0f} ms, {runs} saves)"


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    fs = subprocess.run(["df", "-T", OUT], capture_output=True, text=True).stdout.splitlines()[-1].split()[1]
    commit = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    return (
        f"{os.cpu_count()} cores ({model}), {mem_kb / 1024 / 1024:.0f} GiB RAM, {fs} file system, "
        f"Linux {platform.release()}; digest {commit}"
    )


def table(rows):
    """The lines of a Markdown table of figures (name → value)."""
    return ["| figure | value |", "| --- | --- |"] + [f"| {k} | {v} |" for k, v in rows.items()]


def write_report(name, lines):
    """Writes a report's `lines` to bench/out/<name>.md and prints them."""
    text = "\n".join(lines)
    with open(os.path.join(OUT, f"{name}.md"), "w") as f:
        f.write(text + "\n")
    print(text, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-build", action="store_true", help="use the existing release binary")
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    if not args.no_build:
        sh(["cargo", "build", "--release", "--quiet"], cwd=REPO)
    report = [f"Machine: {machine()}", f"Runs per figure: {args.runs} (median, min–max)", ""]
    for size in args.sizes:
        rows = measure(size, args.runs)
        report.append(f"### {size:,} bilingual articles ({2 * size:,} files)")
        report.append("")
        report.extend(table(rows))
        report.append("")
        write_report(f"results-{size}", report)
        report = []


if __name__ == "__main__":
    main()
