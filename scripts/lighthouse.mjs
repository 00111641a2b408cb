#!/usr/bin/env node
// Lighthouse on the default theme: builds each site with inkpress for a local base URL,
// serves the output on 127.0.0.1 with gzip (as any static host does), and runs Lighthouse
// (mobile: phone width, throttled) on the home page and the newest post. Fails when a
// category scores below its threshold, when the page loads more than 10 KB of script or
// 20 KB of CSS (gzip), or when anything shifts (CLS above 0).
//
// Usage: node scripts/lighthouse.mjs --inkpress BIN [--min-performance N] [--min-other N]
//          [--json OUT] SITE_ROOT...
// Needs `lighthouse` (npm) on PATH and Debian's chromium (CHROME_PATH to choose another).
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { gzipSync } from "node:zlib";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const [value] = args.splice(i, 2).slice(1);
  return value;
};
const inkpress = option("--inkpress", "target/debug/inkpress");
const minPerformance = Number(option("--min-performance", "98"));
const minOther = Number(option("--min-other", "98"));
const jsonOut = option("--json", null);
const sites = args;
if (sites.length === 0) {
  console.error("usage: lighthouse.mjs --inkpress BIN [--min-performance N] SITE_ROOT...");
  process.exit(2);
}
const JS_LIMIT = 10 * 1024;
const CSS_LIMIT = 20 * 1024;
const chrome = process.env.CHROME_PATH || "/usr/bin/chromium";

const types = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css",
  ".js": "text/javascript",
  ".svg": "image/svg+xml",
  ".xml": "application/xml",
  ".txt": "text/plain",
  ".json": "application/json",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".webp": "image/webp",
};

// A static server over `root` that gzips text, on an ephemeral port of 127.0.0.1.
function serve(root) {
  const server = createServer((req, res) => {
    let path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    if (path.includes("..")) return res.writeHead(400).end();
    if (path.endsWith("/")) path += "index.html";
    let body;
    try {
      body = readFileSync(join(root, path));
    } catch {
      res.writeHead(404, { "content-type": types[".html"] });
      return res.end(readFileSync(join(root, "404.html")));
    }
    const type = types[extname(path)] || "application/octet-stream";
    const headers = { "content-type": type, "cache-control": "max-age=600" };
    if (/text|xml|json|javascript|svg/.test(type) && /gzip/.test(req.headers["accept-encoding"] || "")) {
      body = gzipSync(body);
      headers["content-encoding"] = "gzip";
    }
    res.writeHead(200, headers).end(body);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

function lighthouse(url) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "lighthouse",
      [
        url,
        "--output=json",
        "--output-path=stdout",
        "--quiet",
        `--chrome-path=${chrome}`,
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        "--only-categories=performance,accessibility,best-practices,seo",
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("close", (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`lighthouse exited ${code} on ${url}`)),
    );
  });
}

// Gzipped bytes of the scripts (inline ones too) and stylesheets the page loaded.
function weights(report, root, origin) {
  const sizes = { js: 0, css: 0 };
  for (const r of report.audits["network-requests"].details.items) {
    const kind = r.resourceType === "Script" ? "js" : r.resourceType === "Stylesheet" ? "css" : null;
    if (!kind) continue;
    if (!r.url.startsWith(origin)) {
      sizes[kind] += r.transferSize;
      continue;
    }
    const file = new URL(r.url).pathname;
    sizes[kind] += gzipSync(readFileSync(join(root, file))).length;
  }
  const page = new URL(report.finalDisplayedUrl).pathname;
  const html = readFileSync(join(root, page.endsWith("/") ? page + "index.html" : page), "utf8");
  const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)(?![^>]*ld\+json)[^>]*>([\s\S]*?)<\/script>/g)];
  sizes.js += inline.reduce((n, m) => n + gzipSync(m[1]).length, 0);
  return sizes;
}

const results = [];
let failed = false;
for (const site of sites) {
  const out = mkdtempSync(join(tmpdir(), "inkpress-lighthouse-"));
  const server = await serve(out);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const built = spawnSync(inkpress, ["--root", site, "build", "-q", "-o", out, "--base-url", `${origin}/`], {
    stdio: "inherit",
  });
  if (built.status !== 0) {
    console.error(`lighthouse: inkpress build of ${site} failed`);
    process.exit(1);
  }
  // The newest post: the first post URL in the sitemap.
  const sitemap = readFileSync(join(out, "sitemap.xml"), "utf8");
  const post = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)]
    .map((m) => m[1])
    .find((u) => /\/blog\/(?!page\/)[^/]+\/$/.test(u));
  for (const url of [`${origin}/`, post]) {
    const report = await lighthouse(url);
    const score = (c) => Math.round(report.categories[c].score * 100);
    const row = {
      site,
      page: new URL(url).pathname,
      performance: score("performance"),
      accessibility: score("accessibility"),
      "best-practices": score("best-practices"),
      seo: score("seo"),
      cls: report.audits["cumulative-layout-shift"].numericValue,
      ...weights(report, out, origin),
    };
    const problems = [];
    if (row.performance < minPerformance) problems.push(`performance ${row.performance} < ${minPerformance}`);
    for (const c of ["accessibility", "best-practices", "seo"])
      if (row[c] < minOther) problems.push(`${c} ${row[c]} < ${minOther}`);
    if (row.cls > 0) problems.push(`CLS ${row.cls}`);
    if (row.js > JS_LIMIT) problems.push(`JS ${row.js} B gzip > ${JS_LIMIT}`);
    if (row.css > CSS_LIMIT) problems.push(`CSS ${row.css} B gzip > ${CSS_LIMIT}`);
    for (const c of ["performance", "accessibility", "best-practices", "seo"]) {
      if (report.categories[c].score === 1) continue;
      for (const ref of report.categories[c].auditRefs) {
        const a = report.audits[ref.id];
        if (ref.weight > 0 && a.score !== null && a.score < 1)
          problems.push(
            `  (${c}) ${a.id}: ${a.title}${a.displayValue ? ` (${a.displayValue})` : ""}` +
              (a.details?.items || [])
                .slice(0, 5)
                .map((i) => (i.node?.selector ? `\n         at ${i.node.selector}` : ""))
                .join(""),
          );
      }
    }
    row.problems = problems;
    results.push(row);
    const blocking = problems.filter((p) => !p.startsWith("  "));
    if (blocking.length) failed = true;
    console.log(
      `${blocking.length ? "FAIL" : "ok  "} ${site} ${row.page}: performance ${row.performance}, accessibility ${row.accessibility}, best practices ${row["best-practices"]}, SEO ${row.seo}, CLS ${row.cls}, JS ${(row.js / 1024).toFixed(1)} KB, CSS ${(row.css / 1024).toFixed(1)} KB (gzip)`,
    );
    for (const p of problems) console.log(`     ${p}`);
  }
  server.close();
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 2));
process.exit(failed ? 1 : 0);
