#!/usr/bin/env python3
"""What processing images costs, and what it saves a phone: a 1,000-post corpus with 300
photos (bench/photos.rs, the same bytes every run), built with `[images] process` on and
off, runs paired (on, off, on, off, ...) so that a busy machine slows both alike.

  bench/images.py --binary target/release/inkpress [--runs 5] [--clean-runs 5]

Prints, for each setting, the median clean build (no output, no cache: every photo is
decoded and resized), the median warm build (output and cache kept, nothing changed),
wall and CPU (user+sys: steadier than wall on a busy machine) and peak RSS of each, every
run as it ends; and the bytes a reader at phone width (360 CSS px, 2x screen: it
picks the narrowest candidate at least 720 px wide) downloads for the post with five
photos, with and without processing.
"""
import argparse
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "bench"
WORK = REPO / "bench" / "work" / "images"
sys.path.insert(0, str(SHARED))
from time_runs import one  # noqa: E402

POSTS, PHOTOS, SHOWN = 1000, 300, 5
PHONE_PIXELS = 720


def site(setting):
    """The corpus for one setting: same posts and photos, its own config."""
    root = WORK / setting
    if (root / "content").is_dir():
        return root
    base = WORK / "base"
    if not base.is_dir():
        subprocess.run([sys.executable, SHARED / "gen_corpus.py", "--out", base, "--n",
                        str(POSTS), "--layout", "plain"], check=True)
        subprocess.run(["cargo", "run", "-q", "-j", "1", "--example", "photos", "--",
                        base / "static" / "photos", str(PHOTOS)], check=True, cwd=REPO)
        photos = sorted((base / "static" / "photos").iterdir())
        posts = sorted((base / "content" / "blog").glob("*.md"))
        # Every photo in some post; the first post shows five.
        for i, photo in enumerate(photos):
            post = posts[0] if i < SHOWN else posts[(i * 3) % len(posts)]
            with open(post, "a") as f:
                f.write(f"\n\n![Photo {i}](/photos/{photo.name})\n")
    shutil.copytree(base, root)
    process = "true" if setting == "on" else "false"
    with open(root / "inkpress.toml", "a") as f:
        f.write(f"\n[images]\nprocess = {process}\n")
    return root


def build(binary, root):
    code, wall, user, sys_, rss = one([binary, "--root", str(root), "build", "-q"])
    if code != 0:
        sys.exit(f"build failed in {root}")
    return wall, user + sys_, rss


def clean(root):
    for d in ("public", ".inkpress-cache"):
        shutil.rmtree(root / d, ignore_errors=True)


def phone_bytes(root, post_html):
    """Bytes of the images a 2x phone fetches from one page."""
    html = post_html.read_text()
    total = 0
    for tag in re.findall(r"<img [^>]*>", html):
        src = re.search(r' src="([^"]+)"', tag).group(1)
        chosen = src
        srcset = re.search(r' srcset="([^"]+)"', tag)
        if srcset:
            candidates = [(c.split()[0], int(c.split()[1][:-1])) for c in srcset.group(1).split(", ")]
            wide_enough = [c for c in candidates if c[1] >= PHONE_PIXELS] or candidates[-1:]
            chosen = min(wide_enough, key=lambda c: c[1])[0]
        total += (root / "public" / chosen.lstrip("/")).stat().st_size
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--runs", type=int, default=5, help="warm pairs")
    ap.add_argument("--clean-runs", type=int, default=None, help="clean pairs (default: --runs)")
    a = ap.parse_args()
    roots = {s: site(s) for s in ("on", "off")}
    runs = {(s, k): [] for s in roots for k in ("clean", "warm")}
    clean_runs = a.runs if a.clean_runs is None else a.clean_runs
    # The warm builds start from the last clean one's output and cache.
    for i in range(max(clean_runs, 1)):
        for s, root in roots.items():
            clean(root)
            run = build(a.binary, root)
            if i < clean_runs:
                runs[(s, "clean")].append(run)
                print(f"clean {s:3} wall {run[0]:7.3f} s  cpu {run[1]:7.3f} s  peak {run[2]:.0f} MiB",
                      flush=True)
    for _ in range(a.runs):
        for s, root in roots.items():
            run = build(a.binary, root)
            runs[(s, "warm")].append(run)
            print(f"warm  {s:3} wall {run[0]:7.3f} s  cpu {run[1]:7.3f} s  peak {run[2]:.0f} MiB",
                  flush=True)
    med = statistics.median
    for kind in ("clean", "warm"):
        on, off = runs[("on", kind)], runs[("off", kind)]
        if not on:
            continue
        for col, name in ((0, "wall"), (1, "cpu ")):
            a_, b_ = [r[col] for r in on], [r[col] for r in off]
            ratios = [x / y for x, y in zip(a_, b_)]
            print(f"{kind:5} {name} on {med(a_):7.3f} s  off {med(b_):7.3f} s  on/off "
                  f"{med(ratios):.2f}x (pairs {', '.join(f'{r:.2f}' for r in ratios)})")
        print(f"{kind:5} peak RSS on {med([r[2] for r in on]):.0f} MiB "
              f"off {med([r[2] for r in off]):.0f} MiB")
    first = sorted((roots["on"] / "content" / "blog").glob("*.md"))[0].stem
    page = Path("public") / "blog" / first / "index.html"
    on, off = phone_bytes(roots["on"], roots["on"] / page), phone_bytes(roots["off"], roots["off"] / page)
    print(f"phone (2x, 360 px) downloads for the post with {SHOWN} photos: "
          f"{off / 1e6:.2f} MB as written, {on / 1e6:.2f} MB processed ({on / off:.2f}x)")


if __name__ == "__main__":
    main()
