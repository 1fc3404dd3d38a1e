// varde's search engine in the browser: reads the bundle that src/search/format.rs writes
// (that file describes it), with the part of Pagefind's JS API the theme's search page uses:
// options({ excerptLength }), init(), search(query) -> { results: [{ id, score, data() }] },
// destroy(); and `pending` beside `results`: a promise, or null, that resolves once files
// this search did not wait for are here, when the same search again finds more. It fetches entry.json on init, then for each word one or two vocabulary
// shards and the postings of the stems it matches, and a fragment per result shown.
//
// A word matches a stem equal to it, or else the longest stem it begins with, if that leaves
// off at most MAX_CUT letters and keeps MIN_STEM (so "abstinenser" finds "abstinens" without
// a stemmer here). The last word of a query (the one being typed), or a word that matched
// nothing so far, also matches stems it begins (up to MAX_LONGER, closest first). A page must have every word that matches a stem (AND; a word that matches
// none is left out); its score is the sum of its words' BM25 scores, each scaled down by
// how far the stem is from the word.
const FORMAT = 1;
const MAX_LONGER = 6;
const MAX_LONGER_FILES = 2;
const LONGER_WEIGHT = 0.25;
const MAX_SHARDS = 3;
const MAX_CUT = 5;
const MIN_STEM = 4;
const SCORE_SCALE = 64;

const base = new URL(".", import.meta.url);
const utf8 = new TextDecoder();
const encode = new TextEncoder();
let excerptLength = 30;
let state = null;

export async function options(o) {
  if (o && o.excerptLength) excerptLength = o.excerptLength;
}

export function init() {
  if (!state) {
    state = load();
    state.catch(() => { state = null; });
  }
  return state.then(() => undefined);
}

export async function destroy() {
  state = null;
}

async function load() {
  const r = await fetch(new URL("entry.json", base), { cache: "no-cache" });
  if (!r.ok) throw new Error("entry.json: " + r.status);
  const entry = await r.json();
  if (entry.format !== FORMAT) throw new Error("entry.json: format " + entry.format);
  const code = language(entry.languages, document.documentElement.lang);
  if (!code) throw new Error("entry.json: no language");
  return {
    prefix: code + "_" + entry.salt + "_",
    firsts: entry.languages[code].shards,
    pages: entry.languages[code].pages,
    files: new Map(),
    ready: new Set(),
    shards: new Map(),
  };
}

// This page's language's index: its own code, or one of the same primary language, or the
// one with the most pages.
function language(languages, wanted) {
  const codes = Object.keys(languages);
  wanted = (wanted || "").toLowerCase();
  if (codes.includes(wanted)) return wanted;
  const primary = (c) => c.toLowerCase().split(/[-_]/)[0];
  return codes.find((c) => primary(c) === primary(wanted)) ||
    codes.sort((a, b) => languages[b].pages - languages[a].pages)[0];
}

// A file of the bundle, fetched once. `signal` aborts the fetch (and forgets it at once, so
// a later search asks again rather than take the aborted one).
function file(s, name, signal) {
  let f = s.files.get(name);
  if (!f) {
    f = fetch(new URL(s.prefix + name + ".bin", base), { signal }).then(async (r) => {
      if (!r.ok) throw new Error(name + ": " + r.status);
      let bytes = new Uint8Array(await r.arrayBuffer());
      // Gzipped as written; plain if the host sent it compressed and the browser undid it.
      if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = await gunzip(bytes);
      s.ready.add(name);
      return bytes;
    });
    f.catch(() => { if (s.files.get(name) === f) s.files.delete(name); });
    if (signal) {
      signal.addEventListener("abort", () => {
        if (!s.ready.has(name) && s.files.get(name) === f) s.files.delete(name);
      });
    }
    s.files.set(name, f);
  }
  return f;
}

async function gunzip(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function reader(bytes, pos) {
  return {
    pos,
    varint() {
      let v = 0;
      let shift = 0;
      for (;;) {
        const b = bytes[this.pos++];
        if (b === undefined) throw new Error("search index: cut short");
        v += (b & 0x7f) * 2 ** shift;
        if (b < 0x80) return v;
        shift += 7;
      }
    },
  };
}

// A shard's entries: { stem, df, file (0: postings inline, at `at` of `bytes`) }.
function shard(s, k) {
  let p = s.shards.get(k);
  if (!p) {
    p = file(s, "s" + k.toString(36)).then((bytes) => {
      if (bytes[0] !== 0x56) throw new Error("search index: not a shard");
      const r = reader(bytes, 1);
      const n = r.varint();
      const entries = [];
      let previous = new Uint8Array(0);
      for (let i = 0; i < n; i++) {
        const shared = r.varint();
        const len = r.varint();
        const word = new Uint8Array(shared + len);
        word.set(previous.subarray(0, shared));
        word.set(bytes.subarray(r.pos, r.pos + len), shared);
        r.pos += len;
        const df = r.varint();
        const where = r.varint();
        const ext = Math.floor(where / 2);
        const dense = where % 2 === 1;
        const at = r.pos;
        if (ext === 0 && dense) {
          r.pos++;
          for (let j = df; j < s.pages; j++) r.varint();
        } else if (ext === 0) {
          for (let j = 0; j < df; j++) { r.varint(); r.pos++; }
        }
        entries.push({ stem: utf8.decode(word), df, ext, dense, bytes, at });
        previous = word;
      }
      return entries;
    });
    p.catch(() => s.shards.delete(k));
    s.shards.set(k, p);
  }
  return p;
}

// Rust's order of strings (by UTF-8 bytes), which JavaScript's < is not beyond U+FFFF.
function cmp(a, b) {
  const x = encode.encode(a);
  const y = encode.encode(b);
  for (let i = 0; i < x.length && i < y.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

function shardOf(s, word) {
  let lo = 0;
  let hi = s.firsts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (cmp(s.firsts[mid], word) <= 0) lo = mid; else hi = mid - 1;
  }
  return lo;
}

// A stem's postings as sorted page ids and their scores, decoded once: every keystroke and
// every spelling the search page tries asks for the same common stems again.
function postings(s, entry) {
  if (!entry.list) {
    entry.list = (entry.ext ? file(s, postingsName(entry)) : Promise.resolve(null)).then((f) => decode(s, entry, f));
    entry.list.catch(() => { entry.list = null; });
  }
  return entry.list;
}

function decode(s, entry, own) {
  const bytes = own || entry.bytes;
  const r = reader(bytes, own ? 1 : entry.at);
  const ids = new Uint32Array(entry.df);
  const scores = new Float32Array(entry.df);
  if (entry.dense) {
    // One score, and the pages that do not have the stem.
    scores.fill(Math.exp(bytes[r.pos++] / SCORE_SCALE) - 1);
    let left = s.pages - entry.df;
    let missing = left > 0 ? r.varint() : -1;
    let j = 0;
    for (let id = 0; id < s.pages && j < entry.df; id++) {
      if (id === missing) {
        left--;
        missing = left > 0 ? missing + r.varint() : -1;
      } else {
        ids[j++] = id;
      }
    }
    return { ids, scores };
  }
  let id = 0;
  for (let j = 0; j < entry.df; j++) {
    id += r.varint();
    ids[j] = id;
    scores[j] = Math.exp(bytes[r.pos++] / SCORE_SCALE) - 1;
  }
  return { ids, scores };
}

// Lower case, marks taken off (Pagefind indexes "å" as "a"), letters and digits only.
function normalise(word) {
  return word.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "").replace(/[^\p{L}\p{N}]/gu, "");
}

function postingsName(entry) {
  return "p" + (entry.ext - 1).toString(36);
}

// The stems `word` matches, each with how much its score counts, and the fetches of longer
// stems' postings it started and did not wait for (`later`).
async function matches(s, word, last, later) {
  if (s.firsts.length === 0) return [];
  const letters = Array.from(word);
  const shortest = Math.max(MIN_STEM, letters.length - MAX_CUT);
  const from = shardOf(s, letters.slice(0, Math.min(shortest, letters.length)).join(""));
  let to = shardOf(s, word);
  while (to + 1 < s.firsts.length && s.firsts[to + 1].startsWith(word) && to - from + 1 < MAX_SHARDS) to++;
  const ks = [];
  for (let k = Math.max(from, to - MAX_SHARDS + 1); k <= to; k++) ks.push(k);
  const entries = (await Promise.all(ks.map((k) => shard(s, k)))).flat();
  const exact = entries.find((e) => e.stem === word);
  const out = exact ? [{ entry: exact, weight: 1 }] : [];
  if (!exact) {
    for (let n = letters.length - 1; n >= shortest; n--) {
      const stem = letters.slice(0, n).join("");
      const e = entries.find((x) => x.stem === stem);
      if (e) {
        out.push({ entry: e, weight: n / letters.length });
        break;
      }
    }
  }
  if (last || out.length === 0) {
    // Longer stems whose postings are in their shard cost nothing more. Of those in files
    // of their own, the closest MAX_LONGER_FILES: those fetched already count now, the
    // others are fetched without waiting for them (a round trip on a phone, after the
    // last key), and the caller searches again once they are here. While a word is typed
    // this also fetches the postings its next letters will ask for.
    let files = MAX_LONGER_FILES;
    let longer = 0;
    // A word that matched a stem of its own is most likely whole: pages that have it come
    // before pages with a longer word it begins (a compound's rarity would put them first).
    const damp = out.length ? LONGER_WEIGHT : 1;
    entries
      .filter((e) => e.stem.length > word.length && e.stem.startsWith(word))
      .sort((a, b) => a.stem.length - b.stem.length || b.df - a.df)
      .forEach((e) => {
        if (longer >= MAX_LONGER || (e.ext && files === 0)) return;
        longer++;
        if (e.ext) {
          files--;
          if (!s.ready.has(postingsName(e))) {
            later.push(file(s, postingsName(e)));
            return;
          }
        }
        out.push({ entry: e, weight: damp * word.length / e.stem.length });
      });
  }
  return out;
}

// `options.signal` (an AbortSignal) aborts the fetches of the results' `data()` that are
// still on their way: a newer query should not queue behind them on a phone.
export async function search(query, options) {
  const signal = options && options.signal;
  const s = await state;
  if (!s) throw new Error("search: init() first");
  const words = String(query).split(/\s+/).map(normalise).filter(Boolean);
  if (words.length === 0) return { results: [] };
  // A word no stem matches (a word no page has, or one misspelt) is left out rather than
  // leaving the reader with nothing: "abstinens baby" finds the pages on abstinens.
  const later = [];
  const found = (await Promise.all(words.map((w, i) => matches(s, w, i === words.length - 1, later))))
    .filter((ms) => ms.length > 0);
  // Resolves once the postings this search did not wait for are here (a search then gives
  // more), or null.
  const pending = later.length ? Promise.all(later).then(() => true) : null;
  if (found.length === 0) return { results: [], pending };
  const stems = found.flat().map((m) => m.entry.stem);
  const all = await Promise.all(found.map((ms) => Promise.all(ms.map((m) => postings(s, m.entry)))));
  // Scores in arrays by page id: on a large site a common word is on tens of thousands of
  // pages, and a Map per word and spelling cost more than the round trip to the results.
  const total = new Float64Array(s.pages);
  const count = new Uint32Array(s.pages);
  const term = new Float64Array(s.pages);
  for (const [t, ms] of found.entries()) {
    // A page's score for a word is that of its best stem.
    term.fill(0);
    all[t].forEach((list, i) => {
      const w = ms[i].weight;
      for (let j = 0; j < list.ids.length; j++) {
        const id = list.ids[j];
        const v = list.scores[j] * w;
        if (v > term[id]) term[id] = v;
      }
    });
    for (let id = 0; id < s.pages; id++) {
      if (term[id] > 0 && count[id] === t) {
        count[id]++;
        total[id] += term[id];
      }
    }
  }
  const asked = { s, stems, signal };
  const results = [];
  for (let id = 0; id < s.pages; id++) {
    if (count[id] === found.length) results.push(new Result(asked, id, total[id]));
  }
  results.sort((a, b) => b.score - a.score);
  return { results, pending };
}

// One page found: a class, not an object with a closure each, since a common word finds
// tens of thousands.
class Result {
  constructor(asked, page, score) {
    this.asked = asked;
    this.page = page;
    this.score = score;
  }

  get id() {
    return this.asked.s.prefix + this.page;
  }

  data() {
    return fragment(this.asked.s, this.page, this.asked.stems, this.asked.signal);
  }
}

async function fragment(s, id, stems, signal) {
  const bytes = await file(s, "f" + id.toString(36), signal);
  const data = JSON.parse(utf8.decode(bytes));
  // URLs are site paths: the site's own base (the folder above this bundle's) goes first.
  data.url = new URL("..", base).pathname + data.url.replace(/^\//, "");
  data.excerpt = excerpt(data.content || "", stems);
  return data;
}

function escape(text) {
  return text.replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";");
}

// The run of `excerptLength` words with the most matches, matched words in <mark>.
function excerpt(content, stems) {
  const words = content.split(/\s+/).filter(Boolean);
  const hit = words.map((w) => {
    const n = normalise(w);
    return n !== "" && stems.some((stem) => n.startsWith(stem));
  });
  const length = Math.min(excerptLength, words.length);
  let count = 0;
  for (let i = 0; i < length; i++) if (hit[i]) count++;
  let best = 0;
  let most = count;
  for (let start = 1; start + length <= words.length; start++) {
    count += (hit[start + length - 1] ? 1 : 0) - (hit[start - 1] ? 1 : 0);
    if (count > most) { most = count; best = start; }
  }
  // A little of what comes before the first match, where there is room.
  const first = hit.indexOf(true, best);
  if (first !== -1 && first === best) best = Math.max(0, best - Math.min(3, Math.floor(length / 4)));
  return words.slice(best, best + length)
    .map((w, i) => (hit[best + i] ? "<mark>" + escape(w) + "</mark>" : escape(w)))
    .join(" ");
}
