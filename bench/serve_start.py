#!/usr/bin/env python3
"""How soon `inkpress serve` answers after it starts, with two binaries in turn.

  cargo build --release
  python3 bench/serve_start.py --site /tmp/c10k --bin target/release/inkpress \
      --baseline OLD_BINARY [--runs 3] [--cold]

Each run copies the site to a temporary folder (the original is never touched) and, with
`--cold`, removes the copy's highlighted-code cache (`.inkpress-cache/highlight*`), as a
writer's first run has none. The binaries run in turn (new, old, new, old, ...), so that
the load of a shared machine falls on both alike. The figures, from the start:
  listening  the URL printed
  page       the home page answered (GET /)
  css        the theme's stylesheet answered, asked for right after the page
  built      the first build's end (serve's `built ...` line)
"""
import argparse
import glob
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request


def one_run(binary, source, cold):
    work = tempfile.mkdtemp(prefix="inkpress-serve-start-")
    try:
        site = os.path.join(work, "site")
        shutil.copytree(source, site, symlinks=True)
        if cold:
            for cache in glob.glob(os.path.join(site, ".inkpress-cache", "highlight*")):
                os.remove(cache)
        start = time.perf_counter()
        proc = subprocess.Popen([binary, "--root", site, "serve", "--port", "0"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        times = {}
        try:
            url = None
            for line in proc.stdout:
                now = time.perf_counter() - start
                if line.startswith("built"):
                    times["built"] = now
                m = re.match(r"serving (http://\S+/)", line)
                if m:
                    url, times["listening"] = m.group(1), now
                    break
            if url is None:
                sys.exit(f"{binary} printed no URL")
            urllib.request.urlopen(url, timeout=300).read()
            times["page"] = time.perf_counter() - start
            urllib.request.urlopen(url + "css/inkpress.css", timeout=300).read()
            times["css"] = time.perf_counter() - start
            if "built" not in times:
                for line in proc.stdout:
                    if line.startswith("built"):
                        times["built"] = time.perf_counter() - start
                        break
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        return times
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--site", required=True)
    ap.add_argument("--bin", default="target/release/inkpress")
    ap.add_argument("--baseline", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cold", action="store_true", help="without the highlighted-code cache")
    args = ap.parse_args()
    keys = ["listening", "page", "css", "built"]
    results = {"new": [], "old": []}
    for i in range(args.runs):
        for name, binary in (("new", args.bin), ("old", args.baseline)):
            times = one_run(binary, args.site, args.cold)
            results[name].append(times)
            print(f"run {i + 1} {name}: " + "  ".join(f"{k} {times[k]:.2f} s" for k in keys), flush=True)
    print(f"load average {os.getloadavg()[0]:.1f}; medians ({'cold' if args.cold else 'warm'} cache):")
    for name in ("new", "old"):
        print(f"  {name}: " + "  ".join(
            f"{k} {statistics.median(t[k] for t in results[name]):.2f} s" for k in keys))


if __name__ == "__main__":
    main()
