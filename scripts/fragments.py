#!/usr/bin/env python3
"""Every `#fragment` link of a built site lands on an element: an independent check.

Usage: scripts/fragments.py PUBLIC_DIR BASE_URL

Reads every .html file under PUBLIC_DIR (a built site, as served at BASE_URL) with
Python's own HTML parser, and checks every `href` with a fragment that points into the
site (relative, root-relative, or absolute under BASE_URL) at an HTML page: the page must
have an element with that `id`, or an `<a>` with that `name`, as browsers look them up.
An empty fragment and `#top` always land (the top of the page). Links to pages that do
not exist are left to the link crawler (linkinator); links elsewhere are not ours.

It shares no code with inkpress on purpose: scripts/validate runs it on built sites to
catch what inkpress's own link check might miss. Exits 1 and lists each broken fragment
(page, link) when there is any; 0 otherwise.
"""

import os
import sys
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit


class Page(HTMLParser):
    """The ids (and `<a name>`s) of a page, and the hrefs it links with."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        if tag == "a" and values.get("name"):
            self.ids.add(values["name"])
        if tag in ("a", "area") and values.get("href") is not None:
            self.hrefs.append(values["href"])

    handle_startendtag = handle_starttag


def read_pages(root):
    """Each HTML file's Page, by its path relative to root (`blog/x/index.html`)."""
    pages = {}
    for folder, _, files in os.walk(root):
        for name in files:
            if not name.endswith(".html"):
                continue
            path = os.path.join(folder, name)
            page = Page()
            with open(path, encoding="utf-8") as f:
                page.feed(f.read())
            page.close()
            pages[os.path.relpath(path, root).replace(os.sep, "/")] = page
    return pages


def page_url(base, rel):
    """The URL a file is served at: `blog/x/index.html` at `BASE/blog/x/`."""
    if rel == "index.html" or rel.endswith("/index.html"):
        rel = rel[: -len("index.html")]
    return urljoin(base, rel)


def target_file(base, url, pages):
    """The file under the site a URL (without fragment) is served from, or None."""
    if not url.startswith(base):
        return None
    rel = unquote(url[len(base):])
    for candidate in (rel, rel + "index.html", rel + "/index.html"):
        if candidate in pages:
            return candidate
    return None


def broken_fragments(root, base):
    pages = read_pages(root)
    base_host = urlsplit(base)
    broken = []
    for rel, page in sorted(pages.items()):
        here = page_url(base, rel)
        for href in page.hrefs:
            if "#" not in href:
                continue
            absolute = urljoin(here, href.strip())
            parts = urlsplit(absolute)
            if (parts.scheme, parts.netloc) != (base_host.scheme, base_host.netloc):
                continue
            fragment = unquote(parts.fragment)
            if fragment in ("", "top"):
                continue
            without = absolute.split("#", 1)[0].split("?", 1)[0]
            target = target_file(base, without, pages)
            if target is None:
                continue
            if fragment not in pages[target].ids:
                broken.append(f"{rel}: {href} — {target} has no element with id {fragment!r}")
    return broken, len(pages)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[2])
    root, base = sys.argv[1], sys.argv[2]
    if not base.endswith("/"):
        base += "/"
    broken, pages = broken_fragments(root, base)
    if pages == 0:
        sys.exit(f"fragments: no HTML page under {root}: is the site built there?")
    for b in broken:
        print(b)
    if broken:
        print(f"fragments: {len(broken)} broken in {pages} pages")
        sys.exit(1)
    print(f"fragments: {pages} pages, every fragment lands")


if __name__ == "__main__":
    main()
