#!/usr/bin/env python3
"""Edit-to-reload latency of `inkpress serve`: p50/p95 over N edits of single posts.

  cargo build --release
  python3 /work/shared/bench/gen_corpus.py --out /tmp/c1k --n 1000 --layout plain
  python3 bench/serve_latency.py --site /tmp/c1k [--edits 20] [--edit body] [--bin target/release/inkpress]
      [--view /blog/some-post/]

The site is copied to a temporary folder first (the original is never edited). Each
edit changes one post, as `--edit` says: `body` appends a sentence, `title` changes its
title, `tags` adds a tag to its list, `new` writes a new post, `template` edits the site's
copy of the theme's base template (every page changes). With `--view`, the live-reload
stream names that page as open in a browser (as the script in it does), so serve makes it
first and reloads it ahead of the rest of the build. The figures are:
  server  from the first file event to the reload message being sent, as `serve -v`
          logs it (includes the debounce wait for the editor's burst of events to end)
  rebuild the rebuild part of that alone
  client  from the write returning here to the reload message arriving on the
          live-reload stream, as a browser would see it
  early   (--view) serve's own figure for the open page's reload, from the first event
          (`server` is then the rebuild's end, the rest of the site swapped in)
  other   (--view) from the write to the home page's answer (or the first post's, if
          the home page is the one open), asked for right after the reload: it waits
          for that page to be made by this build, never served older
"""
import argparse
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
import urllib.parse
import urllib.request


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def edited(kind, text, i):
    """The text of a post after edit `i` of this kind (`new`: a new post made from it)."""
    if kind == "body":
        return text + f"\nEdited by the latency bench, edit {i}.\n"
    if kind == "title":
        return re.sub(r'(?m)^title: .*$', f'title: "Retitled by the latency bench {i}"', text, count=1)
    if kind == "tags":
        return re.sub(r'(?m)^tags: \[', f'tags: ["bench-{i % 3}", ', text, count=1)
    if kind == "template":
        return text.replace("</head>", f"<!-- edited by the latency bench, edit {i} --></head>", 1)
    if kind == "new":
        text = re.sub(r'(?m)^title: .*$', f'title: "New post {i} from the latency bench"', text, count=1)
        return re.sub(r'(?m)^date: .*$', "date: '2026-01-01'", text, count=1)
    raise ValueError(kind)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--site", required=True)
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--bin", default="target/release/inkpress")
    ap.add_argument("--edit", choices=["body", "title", "tags", "new", "template"], default="body")
    ap.add_argument("--view", help="a page (its URL path) open in a browser while editing")
    ap.add_argument("--log", help="write serve's output here (with -v: each rebuild's stage times)")
    ap.add_argument("--perf", help="record the edits (not the first build) with `perf record -g` into this file")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="inkpress-serve-bench-")
    site = os.path.join(work, "site")
    shutil.copytree(args.site, site, symlinks=True)
    posts_dir = os.path.join(site, "content", "blog")
    posts = sorted(f for f in os.listdir(posts_dir) if f.endswith(".md"))
    # The folder the template edits go to exists before serve watches (empty, it changes nothing).
    os.makedirs(os.path.join(site, "templates"), exist_ok=True)

    proc = subprocess.Popen(
        [args.bin, "--root", site, "-v", "serve", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1,
    )
    lines, url = [], None
    try:
        deadline = time.time() + 120
        while url is None and time.time() < deadline:
            line = proc.stdout.readline()
            if not line:
                sys.exit("serve exited before printing its URL")
            m = re.match(r"serving (http://([\d.]+):(\d+)/)", line)
            if m:
                url, host, port = m.group(1), m.group(2), int(m.group(3))
            elif line.startswith("built"):
                print(line.strip())

        def read_stdout():
            for line in proc.stdout:
                lines.append(line)
        threading.Thread(target=read_stdout, daemon=True).start()

        events = socket.create_connection((host, port))
        target = "/__inkpress/events"
        if args.view:
            target += "?page=" + urllib.parse.quote(args.view, safe="")
        events.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        arrivals, cond = [], threading.Condition()

        def read_events():
            buf = b""
            while True:
                chunk = events.recv(65536)
                if not chunk:
                    return
                now = time.perf_counter()
                buf += chunk
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    m = re.search(rb'"generation":(\d+)', line)
                    if line.startswith(b"data: ") and m:
                        with cond:
                            arrivals.append((int(m.group(1)), now))
                            cond.notify_all()
        threading.Thread(target=read_events, daemon=True).start()

        # Serve listens before its first build ends (generation 0 until then).
        with cond:
            cond.wait_for(lambda: arrivals and arrivals[-1][0] > 0, timeout=300)
        generation = arrivals[-1][0]
        perf = None
        if args.perf:
            perf = subprocess.Popen(["perf", "record", "--call-graph", os.environ.get("PERF_CG", "fp"), "-o", args.perf, "-p", str(proc.pid)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1)
        client, other = [], []
        # A page other than the one open: the home page, or the first post's.
        other_page = "/" if args.view != "/" else "/blog/" + posts[0][:-3] + "/"
        theme_base = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "templates", "base.html")
        for i in range(args.edits):
            path = os.path.join(posts_dir, posts[(i * 37) % len(posts)])
            if args.edit == "template":
                path = os.path.join(site, "templates", "base.html")
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(theme_base) as f:
                    text = f.read()
            else:
                with open(path) as f:
                    text = f.read()
            text = edited(args.edit, text, i)
            if args.edit == "new":
                path = os.path.join(posts_dir, f"bench-new-post-{i}.md")
            with open(path, "w") as f:
                f.write(text)
            written = time.perf_counter()
            with cond:
                ok = cond.wait_for(lambda: arrivals[-1][0] > generation, timeout=10)
            if not ok:
                sys.exit(f"edit {i}: no reload within 10 s")
            generation, arrived = arrivals[-1]
            client.append((arrived - written) * 1e3)
            if args.view:
                urllib.request.urlopen(url.rstrip("/") + other_page, timeout=60).read()
                other.append((time.perf_counter() - written) * 1e3)
            # The next edit after this one's whole rebuild (the reload may come first).
            deadline = time.time() + 60
            while sum(l.startswith("rebuilt in") for l in lines) <= i and time.time() < deadline:
                time.sleep(0.01)
            time.sleep(0.3)
        time.sleep(0.2)
        if perf:
            perf.send_signal(2)
            perf.wait(timeout=60)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)

    if args.log:
        with open(args.log, "w") as f:
            f.writelines(lines)
    server, rebuild, early = [], [], []
    for line in lines:
        m = re.search(r"open pages reloaded ([\d.]+) ms after the change", line)
        if m:
            early.append(float(m.group(1)))
        m = re.search(r"latency: change to reload message ([\d.]+) ms .* rebuild ([\d.]+) ms", line)
        if m:
            server.append(float(m.group(1)))
            rebuild.append(float(m.group(2)))
    print(f"{len(posts)} posts, {args.edits} edits ({args.edit}) of one post each")
    if args.view:
        print(f"  open page {args.view}; load average {os.getloadavg()[0]:.1f}")
    figures = (("server", server), ("rebuild", rebuild), ("client", client), ("early", early), ("other", other))
    for name, values in figures:
        if values:
            print(f"  {name:8} p50 {percentile(values, 50):6.1f} ms   p95 {percentile(values, 95):6.1f} ms"
                  f"   (min {min(values):.1f}, max {max(values):.1f}, n={len(values)})")


if __name__ == "__main__":
    main()
