// Search budgets on a built site, in headless Chromium (the browser gate's own packages):
// bytes transferred for a first query on a cold load of /sok/, and the time from the last
// keystroke to painted results.
//
//   node bench/search_budget.mjs http://127.0.0.1:PORT/ [query...]
//
// Serve the built site first (e.g. python3 -m http.server -d OUT PORT --bind 127.0.0.1).
import { createRequire } from "node:module";
const require = createRequire(new URL("../tests/browser/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const [base, ...queries] = process.argv.slice(2);
const qs = queries.length ? queries : ["abstinens", "henvisning gravid", "stotte familie"];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
for (const q of qs) {
  const ctx = await browser.newContext(); // a cold cache for every query
  // Counted at the network, so the index chunks Pagefind's worker fetches are included.
  let bytes = 0;
  ctx.on("requestfinished", async (req) => {
    const s = await req.sizes().catch(() => null);
    if (s) bytes += s.responseBodySize + s.responseHeadersSize;
  });
  const p = await ctx.newPage();
  await p.goto(base + "sok/", { waitUntil: "load" });
  await p.evaluate(() => {
    window.__t = { key: 0, paint: 0 };
    document.getElementById("sok-q").addEventListener("input", () => { window.__t.key = performance.now(); });
    new MutationObserver(() => requestAnimationFrame(() => { window.__t.paint = performance.now(); }))
      .observe(document.getElementById("sok-resultater"), { childList: true });
  });
  await p.locator("#sok-q").pressSequentially(q, { delay: 80 });
  await p.waitForFunction(() => window.__t.paint > window.__t.key, null, { timeout: 30000 });
  await p.waitForTimeout(300);
  const r = await p.evaluate(() => ({ ms: window.__t.paint - window.__t.key, hits: document.querySelectorAll("#sok-resultater li").length }));
  console.log(`"${q}": ${bytes} bytes on a cold load, ${r.ms.toFixed(1)} ms from the last keystroke to painted results, ${r.hits} shown`);
  await ctx.close();
}
await browser.close();
