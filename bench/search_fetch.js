#!/usr/bin/env -S node --experimental-websocket
// What a reader downloads for a search: builds nothing; serves a built site folder on
// 127.0.0.1 (python3 -m http.server), opens its home page in headless Chromium, types each
// query into the search box on a fresh page, and sums the search index files the page
// fetched (raw bytes, and gzip -6 of the same files, which is what a host that compresses
// sends). The site must be built with `--base-url http://127.0.0.1:8765/`, the port it
// is served on.
//
//   node --experimental-websocket bench/search_fetch.js SITE_DIR "query one" "query two" …
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const zlib = require("zlib");

const [dir, ...queries] = process.argv.slice(2);
if (!dir || !queries.length) {
  console.error("usage: search_fetch.js SITE_DIR QUERY…");
  process.exit(2);
}

function started(child, pattern) {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error("no start: " + seen)), 20000);
    const look = (chunk) => {
      seen += chunk;
      const m = seen.match(pattern);
      if (m) { clearTimeout(timer); resolve(m); }
    };
    child.stdout.on("data", look);
    child.stderr.on("data", look);
  });
}

async function main() {
  const server = spawn("python3", ["-u", "-m", "http.server", "8765", "--bind", "127.0.0.1", "--directory", dir]);
  const port = (await started(server, /port (\d+)/))[1];
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "search-fetch-"));
  const chrome = spawn("chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0",
    "--user-data-dir=" + profile, "about:blank"]);
  const browserWs = (await started(chrome, /DevTools listening on (ws:\/\/\S+)/))[1];
  // Whatever happens, the server, Chromium and its profile go.
  try {
    await measure(new URL(browserWs).port, port);
  } finally {
    chrome.kill();
    server.kill();
    await new Promise((r) => (chrome.exitCode !== null ? r() : chrome.on("exit", r)));
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

async function measure(debugPort, port) {
  const target = await (await fetch(`http://127.0.0.1:${debugPort}/json/new?about:blank`, { method: "PUT" })).json();
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((r) => ws.addEventListener("open", r));
  let id = 0;
  const waiting = {};
  ws.addEventListener("message", (e) => {
    const msg = JSON.parse(e.data);
    if (msg.id && waiting[msg.id]) { waiting[msg.id](msg); delete waiting[msg.id]; }
  });
  const call = (method, params = {}) => new Promise((resolve) => {
    const n = ++id;
    waiting[n] = resolve;
    ws.send(JSON.stringify({ id: n, method, params }));
  });
  const evaluate = async (expression) =>
    (await call("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true })).result.result.value;
  const until = async (expression) => {
    for (let i = 0; i < 200; i++) {
      if (await evaluate(expression)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error("never: " + expression);
  };
  await call("Network.enable");
  await call("Network.setCacheDisabled", { cacheDisabled: true });
  const base = `http://127.0.0.1:${port}/`;
  const rows = [];
  for (const query of queries) {
    await call("Page.navigate", { url: base });
    await until("document.readyState === 'complete' && !!document.querySelector('[data-search-open]')");
    await evaluate("document.querySelector('[data-search-open]').click()");
    await until("!!document.querySelector('.search-input')");
    await evaluate(`(() => { const i = document.querySelector('.search-input'); i.value = ${JSON.stringify(query)};
      i.dispatchEvent(new Event('input')); })()`);
    await until("document.querySelector('.search-status').textContent !== ''");
    // Let the last results' files arrive.
    await new Promise((r) => setTimeout(r, 300));
    const files = await evaluate(`performance.getEntriesByType('resource').map(e => e.name)
      .filter(n => n.includes('/search-index/') || n.includes('/js/stem-')).map(n => new URL(n).pathname)`);
    let raw = 0, gz = 0;
    for (const f of files) {
      const bytes = fs.readFileSync(path.join(dir, decodeURIComponent(f)));
      raw += bytes.length;
      gz += zlib.gzipSync(bytes, { level: 6 }).length;
    }
    const status = await evaluate("document.querySelector('.search-status').textContent");
    rows.push({ query, status, files: files.length, raw, gz });
  }
  for (const r of rows) {
    console.log(`${JSON.stringify(r.query).padEnd(16)} ${r.status.padEnd(14)} ${String(r.files).padStart(3)} files ` +
      `${(r.raw / 1024).toFixed(1).padStart(7)} KB raw ${(r.gz / 1024).toFixed(1).padStart(6)} KB gzip`);
  }
  ws.close();
}

main().catch((e) => { console.error(e); process.exit(1); });
