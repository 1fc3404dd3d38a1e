// Search budgets on a built site, in headless Chromium (the browser gate's own packages):
// bytes transferred for a first query on a cold load of /sok/, and the time from the last
// keystroke to the first results painted and to the list's last change (tests/browser/budget.mjs).
//
//   node bench/search_budget.mjs http://127.0.0.1:PORT/ [query...]
//
// Serve the built site first: python3 bench/static_server.py OUT PORT [--gzip] (--gzip sends
// text compressed, as static hosts do).
import { createRequire } from "node:module";
const require = createRequire(new URL("../tests/browser/package.json", import.meta.url));
const { chromium } = require("playwright-core");
const { measureQuery } = await import(new URL("../tests/browser/budget.mjs", import.meta.url));

const [base, ...queries] = process.argv.slice(2);
// "abstinens" is not in the generated corpora: "familie" is a one-word query that finds pages.
const qs = queries.length ? queries : ["abstinens", "familie", "henvisning gravid", "stotte familie"];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
for (const q of qs) {
  const r = await measureQuery(browser, base, q, { delay: 80 });
  console.log(`"${q}": ${r.bytes} bytes on a cold load, ${r.ms.toFixed(1)} ms from the last keystroke to the first results painted (settled at ${r.settled.toFixed(1)} ms), ${r.hits} shown`);
}
// The same on a phone's network (Lighthouse's mobile profile: 150 ms round trip, 1.6 Mbit/s
// down, 750 kbit/s up), typed at 200 ms a key.
const phone = { latency: 150, down: 1.6e6 / 8, up: 750e3 / 8 };
for (const q of qs) {
  const r = await measureQuery(browser, base, q, { delay: 200, network: phone, timeout: 60000 });
  console.log(`"${q}" on a phone's network: ${r.ms.toFixed(1)} ms from the last keystroke to the first results painted (settled at ${r.settled.toFixed(1)} ms), ${r.hits} shown`);
}
await browser.close();
