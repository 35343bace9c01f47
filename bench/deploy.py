#!/usr/bin/env python3
"""Measure `digest deploy` to a local S3-compatible server.

    python3 bench/deploy.py                 # the 10,000-article site, 3 runs
    python3 bench/deploy.py --size 1000 --runs 5

For each run: a first deploy of the whole site into an empty bucket, then
one-story edits (an article gets a new sentence, the site is rebuilt, and
deployed again), then a dry run that must find nothing to do. Prints time,
requests and bytes sent (as digest counts them, and as the server saw them)
and the number of uploads. The server is tests/support/s3_server.py (moto
behind a SigV4 check), on 127.0.0.1; `cargo build --release` first.
"""

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run  # noqa: E402  (corpus generation and timing helpers)

SERVER = os.path.join(run.REPO, "tests", "support", "s3_server.py")
SUMMARY = re.compile(r"(\d+) uploaded .*?; (\d+) requests, ([\d.]+ [kMG]?B) sent")


def start_server(buckets):
    proc = subprocess.Popen(
        [sys.executable, SERVER, *buckets], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    info = json.loads(proc.stdout.readline())
    return proc, info


def stats(info):
    with urllib.request.urlopen(info["endpoint"] + "/__test/stats") as r:
        return json.load(r)


def configure(site, info, bucket):
    path = os.path.join(site, "digest.yaml")
    text = open(path, encoding="utf-8").read().split("\ndeploy:\n")[0].rstrip("\n") + "\n"
    text += f"deploy:\n  bench:\n    url: s3://{bucket}/\n    endpoint: {info['endpoint']}\n    region: us-east-1\n"
    open(path, "w", encoding="utf-8").write(text)


def deploy(site, info, *args):
    env = dict(
        os.environ,
        AWS_ACCESS_KEY_ID=info["access_key"],
        AWS_SECRET_ACCESS_KEY=info["secret_key"],
    )
    before = stats(info)
    started = time.perf_counter()
    out = subprocess.run(
        [run.BINARY, "deploy", "--root", site, *args], env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    if out.returncode != 0:
        sys.exit(f"deploy failed:\n{out.stdout}\n{out.stderr}")
    after = stats(info)
    found = SUMMARY.search(out.stdout)
    return {
        "seconds": elapsed,
        "uploads": int(found.group(1)) if found else 0,
        "requests": after["requests"] - before["requests"],
        "bytes": after["bytes"] - before["bytes"],
        "reported": found.group(2, 3) if found else None,
        "stdout": out.stdout,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--edits", type=int, default=3, help="one-story edits per run")
    args = parser.parse_args()
    site = run.corpus(args.size)
    buckets = [f"bench-{i}" for i in range(args.runs)]
    proc, info = start_server(buckets)
    rng = random.Random(22)
    firsts, edits = [], []
    try:
        for bucket in buckets:
            configure(site, info, bucket)
            run.build(site)
            first = deploy(site, info)
            firsts.append(first)
            print(f"first deploy: {first['seconds']:.1f} s, {first['uploads']} uploads, "
                  f"{first['requests']} requests, {first['bytes'] / 1e6:.1f} MB", file=sys.stderr)
            for _ in range(args.edits):
                run.edit_one(site, rng)
                run.build(site)
                edit = deploy(site, info)
                edits.append(edit)
                print(f"one edit: {edit['seconds']:.2f} s, {edit['uploads']} uploads, "
                      f"{edit['requests']} requests, {edit['bytes'] / 1e3:.0f} kB", file=sys.stderr)
            dry = deploy(site, info, "--dry-run")
            plan = next(line for line in dry["stdout"].splitlines() if line.startswith("plan: "))
            print(f"dry run after: {plan} ({dry['seconds']:.2f} s)", file=sys.stderr)
            if not plan.startswith("plan: 0 to upload, 0 to delete"):
                sys.exit("a dry run right after a deploy found work to do")
    finally:
        proc.stdin.close()
        proc.wait()

    def row(name, samples):
        med = lambda key: statistics.median(s[key] for s in samples)  # noqa: E731
        return (f"| {name} | {med('seconds'):.2f} s | {med('uploads'):.0f} "
                f"(max {max(s['uploads'] for s in samples)}) | {med('requests'):.0f} | {med('bytes') / 1e6:.2f} MB |")

    files = run.tree_size(os.path.join(site, "public"))[1]
    print(f"\n{args.size} articles, {files} files; medians of {len(firsts)} first deploys and {len(edits)} edits\n")
    print("| deploy | time | uploads | requests | bytes sent |")
    print("| --- | --- | --- | --- | --- |")
    print(row("first (empty bucket)", firsts))
    print(row("one-story edit", edits))


if __name__ == "__main__":
    main()
