// axe-core in headless Chromium (playwright-core driving Debian's chromium) on the pages
// named on the command line, in the light and the dark scheme: fails on any serious or
// critical violation, and on a focused link with no visible focus ring.
// Usage: node scripts/a11y.mjs TOOLS_DIR URL...
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const [tools, ...urls] = process.argv.slice(2);
const require = createRequire(join(tools, "node_modules", "x.js"));
const { chromium } = require("playwright-core");
const axe = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
let failures = 0;
for (const scheme of ["light", "dark"]) {
  const context = await browser.newContext({ colorScheme: scheme });
  for (const url of urls) {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: "load" });
    await page.addScriptTag({ content: axe });
    const violations = await page.evaluate(async () => {
      const result = await window.axe.run(document, { resultTypes: ["violations"] });
      return result.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`);
    });
    // Keyboard focus must show: the first link reached with Tab gets an outline or a shadow.
    await page.keyboard.press("Tab");
    const focus = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return "nothing takes the focus";
      const style = getComputedStyle(el);
      const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none";
      return ring ? "" : `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 30)}" shows no focus ring`;
    });
    if (focus) violations.push(`focus: ${focus}`);
    for (const v of violations) console.log(`${url} (${scheme}): ${v}`);
    failures += violations.length;
    await page.close();
  }
  await context.close();
}
await browser.close();
console.log(`axe: ${urls.length} pages in 2 schemes, ${failures} serious or critical problems`);
process.exit(failures ? 1 : 0);
