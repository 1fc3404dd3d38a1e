// The search budgets, measured one way for the gate and for bench/search_budget.mjs: a fresh
// browser context (cold cache) opens /sok/, types `query` letter by letter, and reports the
// bytes transferred (counted at the network, every file of the index included), the time
// from the last keystroke to the first results painted (`ms`) and to the last change of the
// list (`settled`: the rest of the first page, a search again once more of the index is
// here), and the results shown.
//
// `network` ({ latency ms, down and up in bytes/s }) throttles the page's network through the
// DevTools protocol, to see what a reader on a phone's network waits.
export async function measureQuery(browser, base, query, { delay = 60, timeout = 30000, network = null } = {}) {
  const ctx = await browser.newContext();
  let bytes = 0;
  ctx.on("requestfinished", async (req) => {
    const s = await req.sizes().catch(() => null);
    if (s) bytes += s.responseBodySize + s.responseHeadersSize;
  });
  const p = await ctx.newPage();
  if (network) {
    const cdp = await ctx.newCDPSession(p);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false, latency: network.latency, downloadThroughput: network.down, uploadThroughput: network.up,
    });
  }
  await p.goto(base + "sok/", { waitUntil: "load" });
  await p.evaluate(() => {
    window.__t = { key: 0, paints: [] };
    document.getElementById("sok-q").addEventListener("input", () => { window.__t.key = performance.now(); window.__t.paints = []; });
    // Results painted, or the status saying there are none (an empty list does not change);
    // only once the status names the whole query, not while an older query's results land.
    const status = document.getElementById("sok-status");
    const field = document.getElementById("sok-q");
    const painted = new MutationObserver(() => requestAnimationFrame(() => {
      if (status.textContent.includes(field.value.trim())) window.__t.paints.push(performance.now());
    }));
    painted.observe(document.getElementById("sok-resultater"), { childList: true });
    painted.observe(document.getElementById("sok-status"), { childList: true, characterData: true, subtree: true });
  });
  await p.locator("#sok-q").pressSequentially(query, { delay });
  await p.waitForFunction(() => window.__t.paints.length > 0, null, { timeout });
  // Settled: nothing painted for 500 ms (the rest of the first page, a search again for
  // more), and late responses finished, so they are counted.
  await p.waitForFunction(() => performance.now() - window.__t.paints[window.__t.paints.length - 1] > 500, null, { timeout, polling: 50 });
  const r = await p.evaluate(() => ({
    ms: window.__t.paints[0] - window.__t.key,
    settled: window.__t.paints[window.__t.paints.length - 1] - window.__t.key,
    hits: document.querySelectorAll("#sok-resultater > li").length,
  }));
  await ctx.close();
  return { bytes, ms: r.ms, settled: r.settled, hits: r.hits };
}
