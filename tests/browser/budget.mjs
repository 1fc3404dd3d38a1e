// The search budgets, measured one way for the gate and for bench/search_budget.mjs: a fresh
// browser context (cold cache) opens /sok/, types `query` letter by letter, and reports the
// bytes transferred (counted at the network, so the index chunks Pagefind's worker fetches
// are included), the time from the last keystroke to painted results, and the hits shown.
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
    window.__t = { key: 0, paint: 0 };
    document.getElementById("sok-q").addEventListener("input", () => { window.__t.key = performance.now(); });
    // Results painted, or the status saying there are none (an empty list does not change).
    const painted = new MutationObserver(() => requestAnimationFrame(() => { window.__t.paint = performance.now(); }));
    painted.observe(document.getElementById("sok-resultater"), { childList: true });
    painted.observe(document.getElementById("sok-status"), { childList: true, characterData: true, subtree: true });
  });
  await p.locator("#sok-q").pressSequentially(query, { delay });
  await p.waitForFunction(() => window.__t.paint > window.__t.key, null, { timeout });
  await p.waitForTimeout(300); // let late responses finish, so they are counted
  const r = await p.evaluate(() => ({ ms: window.__t.paint - window.__t.key, hits: document.querySelectorAll("#sok-resultater li").length }));
  await ctx.close();
  return { bytes, ms: r.ms, hits: r.hits };
}
