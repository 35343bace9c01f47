#!/usr/bin/env python3
"""The picture benchmark: a site whose stories have 4,000 × 3,000 photographs.

    python3 bench/pictures.py                   # 200 photographs, 3 runs
    python3 bench/pictures.py --photos 50 --runs 5

It generates, once and from a seed, PHOTOS bilingual stories (bench/corpus.py)
and PHOTOS photographs (the bench_photos example: JPEG at quality 90 with a
camera's EXIF, GPS position and XMP), one per story, the lead picture of both
its language versions. Then it measures, with medians and min–max:

- cold builds (no public/, no .digest-cache/): every photograph decoded,
  resized to each width, encoded as WebP and JPEG, its original stripped;
  wall time, CPU time and peak RSS (/usr/bin/time -v);
- no-op rebuilds: nothing changed, no picture work at all;
- rebuilds after public/ was deleted: pages rendered again, every picture
  taken from the picture store (none processed);
- one edited article, and one replaced photograph.

Every build's own count of pictures processed is checked against what the
case should do. The report is printed and written to bench/out/pictures-N.md.
"""

import argparse
import os
import random
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as bench  # noqa: E402  (the shared helpers of bench/run.py)

EXAMPLE = os.path.join(bench.REPO, "target", "release", "examples", "bench_photos")


def site_with_photos(photos):
    site = os.path.join(bench.OUT, f"pictures-{photos}")
    stamp = os.path.join(site, ".corpus-done")
    if os.path.exists(stamp):
        return site
    print(f"generating {photos} stories and photographs …", file=sys.stderr)
    if os.path.exists(site):
        shutil.rmtree(site)
    bench.sh([sys.executable, os.path.join(HERE, "corpus.py"), "--articles", str(photos), "--out", site])
    folder = os.path.join(site, "content", "photos")
    bench.sh([EXAMPLE, folder, str(photos)])
    stories = sorted(
        os.path.join(root, name)[: -len(".en.md")]
        for root, _, names in os.walk(os.path.join(site, "content"))
        for name in names
        if name.endswith(".en.md")
    )
    for n, story in enumerate(stories[:photos]):
        for lang, credit in (("en", "Photo desk"), ("ar", "قسم التصوير")):
            path = f"{story}.{lang}.md"
            with open(path, encoding="utf-8") as f:
                text = f.read()
            image = (
                f"image: {{ src: /photos/photo-{n:03}.jpg, alt: Photograph {n}, "
                f"caption: The scene of story {n}, credit: {credit} }}\n"
            )
            text = text.replace("---\n", "---\n" + image, 1)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
    open(stamp, "w").close()
    return site


def build(site, expect_pictures=None):
    """One `digest build`: (wall s, CPU s, peak RSS MB); checks the number
    of pictures it says it processed."""
    wall, user, system, rss, out = bench.timed([bench.BINARY, "build", "--root", site])
    found = re.search(r"(\d+) pictures processed", out)
    processed = int(found.group(1)) if found else 0
    if expect_pictures is not None and processed != expect_pictures:
        sys.exit(f"expected {expect_pictures} pictures processed, the build said:\n{out}")
    return wall, user + system, rss


def replace_photo(site, rng, n, k):
    """Another photograph in place of one story's (as an editor's new crop)."""
    spare = os.path.join(bench.OUT, "pictures-spare")
    first = 10_000 + k
    bench.sh([EXAMPLE, spare, "1", str(first)])
    name = f"photo-{rng.randrange(n):03}.jpg"
    shutil.move(os.path.join(spare, f"photo-{first:03}.jpg"), os.path.join(site, "content", "photos", name))


def measure(photos, runs):
    site = site_with_photos(photos)
    cold, cold_cpu, cold_rss = [], [], []
    bench.empty_trash(site)
    for _ in range(runs):
        bench.clean(site)
        w, cpu, rss = build(site, expect_pictures=photos)
        cold.append(w)
        cold_cpu.append(cpu)
        cold_rss.append(rss)
    bench.empty_trash(site)
    size, files = bench.tree_size(os.path.join(site, "public"))
    pictures = [
        os.path.getsize(os.path.join(root, n))
        for root, _, names in os.walk(os.path.join(site, "public", "photos"))
        for n in names
    ]
    sources = sum(
        os.path.getsize(os.path.join(site, "content", "photos", n))
        for n in os.listdir(os.path.join(site, "content", "photos"))
    )
    noop = [build(site, expect_pictures=0)[0] for _ in range(runs)]
    deleted = []
    for _ in range(runs):
        shutil.rmtree(os.path.join(site, "public"))
        deleted.append(build(site, expect_pictures=0)[0])
    rng = random.Random(photos)
    edits, replaced = [], []
    for _ in range(runs):
        bench.edit_one(site, rng)
        edits.append(build(site, expect_pictures=0)[0])
    for k in range(runs):
        replace_photo(site, rng, photos, k)
        replaced.append(build(site, expect_pictures=1)[0])
    med = sorted(cold)[len(cold) // 2]
    return {
        "photographs": f"{photos} JPEGs of 4,000 × 3,000 ({sources / 1e6:,.0f} MB), one per story, in both editions",
        "output": f"{files:,} files, {size / 1e6:,.0f} MB ({len(pictures):,} picture files, {sum(pictures) / 1e6:,.0f} MB)",
        "cold build (every picture processed)": bench.summary(cold),
        "cold build CPU (user+sys)": bench.summary(cold_cpu),
        "per photograph (CPU)": f"{1000 * sorted(cold_cpu)[len(cold_cpu) // 2] / photos:,.0f} ms",
        "peak RSS (cold)": bench.summary(cold_rss, "MB", 0),
        "no-op rebuild (no picture work)": bench.summary(noop) + f" = {100 * sorted(noop)[len(noop) // 2] / med:.1f}% of cold",
        "public/ deleted, rebuilt (pictures from the store)": bench.summary(deleted),
        "one edited article (no picture work)": bench.summary(edits),
        "one photograph replaced (1 processed)": bench.summary(replaced),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-build", action="store_true", help="use the existing release binaries")
    args = parser.parse_args()
    os.makedirs(bench.OUT, exist_ok=True)
    if not args.no_build:
        bench.sh(["cargo", "build", "--release", "--quiet", "--bin", "digest", "--example", "bench_photos"], cwd=bench.REPO)
    rows = measure(args.photos, args.runs)
    lines = [
        f"Machine: {bench.machine()}",
        f"Runs per figure: {args.runs} (median, min–max)",
        "",
        f"### {args.photos} photographs",
        "",
        *bench.table(rows),
    ]
    bench.write_report(f"pictures-{args.photos}", lines)


if __name__ == "__main__":
    main()
