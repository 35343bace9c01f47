// The search page: queries the edition's Pagefind index in the browser.
//
// digest builds one index per edition (public/pagefind/<lang>/). Arabic
// words are indexed under their search keys as well as as written, and a
// query's Arabic words are reduced to the same keys here before Pagefind
// sees them, so that a query typed with or without tashkeel, with any form
// of alef, ة for ه, ى for ي, with or without ال finds the story. The rules
// are digest's own (src/search/normalise.rs): the two must stay identical,
// and a browser test checks that they give the same keys.
//
// The page works without this script only as far as saying that search
// needs it (a <noscript> note). Nothing here is inline or minified by
// digest; the file is published under a name carrying its hash.

const WORD_SYMBOLS = "_\u203F\u2040\u2054\uFE33\uFE34\uFE4D\uFE4E\uFE4F\uFF3F";
const PREFIXES = ["وال", "بال", "كال", "فال", "لل", "ال"].map((p) => [...p]);
const SUFFIXES = ["ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي"].map((s) => [...s]);
const VARIANTS = [["اميرك", "امريك"], ["اوروب", "اورب"]];
const ARABIC = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/u;
const MARK = /^\p{M}$/u;
const WORD_CHAR = /^[\p{Alphabetic}\p{N}]$/u;
// Marks a shadow word in the index: a word's search key, right after it.
const SHADOW = "~";
const PAGE_SIZE = 10;
const EXCERPT_WORDS = 30;

/** The search key of an Arabic word, or null for a word with no Arabic. */
export function searchKey(word) {
  if (!ARABIC.test(word)) return null;
  const letters = [];
  for (let c of word.normalize("NFKD")) {
    if (MARK.test(c)) continue;
    const code = c.codePointAt(0);
    if (c === "\u0671") c = "ا";
    else if (c === "ى" || c === "ی") c = "ي";
    else if (c === "ة") c = "ه";
    else if (c === "ک") c = "ك";
    else if (c === "\u0640") continue;
    else if (code >= 0x0660 && code <= 0x0669) c = String(code - 0x0660);
    else if (code >= 0x06f0 && code <= 0x06f9) c = String(code - 0x06f0);
    for (const lower of c.toLowerCase()) {
      if (WORD_CHAR.test(lower) || WORD_SYMBOLS.includes(lower)) letters.push(lower);
    }
  }
  return stem(letters);
}

function stem(w) {
  const starts = (p) => p.length <= w.length && p.every((c, i) => w[i] === c);
  const ends = (s) => s.length <= w.length && s.every((c, i) => w[w.length - s.length + i] === c);
  if (w[0] === "و" && w.length >= 4) w.shift();
  for (const p of PREFIXES) {
    if (starts(p) && w.length >= p.length + 2) {
      w.splice(0, p.length);
      break;
    }
  }
  for (const s of SUFFIXES) {
    if (ends(s) && w.length >= s.length + 3) w.splice(w.length - s.length);
  }
  let key = w.join("");
  for (const [from, to] of VARIANTS) {
    if (key.startsWith(from)) key = to + key.slice(from.length);
  }
  return key;
}

/** A query as the index holds its words. */
export function searchTerm(query) {
  const words = query.split(/\s+/u).filter(Boolean);
  if (!words.some((w) => ARABIC.test(w))) return words.join(" ");
  // Arabic words are searched by key; an exact phrase cannot be, as the
  // keys sit between the words that a phrase runs through.
  return words
    .map((w) => searchKey(w.replaceAll('"', "")) ?? w.replaceAll('"', ""))
    .filter(Boolean)
    .join(" ");
}

/** The words of a result to show: its text without shadows, which of them
 * matched, and where its title ends. */
function readerWords(data) {
  const words = data.content.split(" ");
  const shown = [];
  const at = [];
  for (const word of words) {
    if (word.startsWith(SHADOW) && shown.length) {
      at.push(shown.length - 1);
    } else {
      at.push(shown.length);
      shown.push(word);
    }
  }
  const scores = new Array(shown.length).fill(0);
  for (const l of data.weighted_locations ?? []) {
    const w = at[l.location];
    if (w !== undefined) scores[w] += l.balanced_score || 1;
  }
  const titleWords = (data.meta?.title ?? "").split(" ").filter(Boolean).length;
  return { shown, scores, titleWords };
}

/** Where the excerpt starts: the window of body words where matches are
 * densest, beginning a few words before its first match. */
function excerptStart({ shown, scores, titleWords }) {
  const last = Math.max(titleWords, shown.length - EXCERPT_WORDS);
  let sum = 0;
  for (let i = titleWords; i < Math.min(shown.length, titleWords + EXCERPT_WORDS); i++) sum += scores[i];
  let best = titleWords;
  let bestSum = sum;
  for (let start = titleWords + 1; start <= last; start++) {
    sum += (scores[start + EXCERPT_WORDS - 1] ?? 0) - scores[start - 1];
    if (sum > bestSum) {
      bestSum = sum;
      best = start;
    }
  }
  const first = scores.findIndex((s, i) => i >= best && s > 0);
  return first < 0 ? best : Math.max(titleWords, Math.min(best, first - 4));
}

/** Appends words to `parent`, the matched ones in <mark>. */
function appendWords(parent, words, scores, from, to) {
  for (let i = from; i < to; i++) {
    if (i > from) parent.append(" ");
    if (scores[i] > 0) {
      const mark = document.createElement("mark");
      mark.textContent = words[i];
      parent.append(mark);
    } else {
      parent.append(words[i]);
    }
  }
}

function resultItem(data, sections) {
  const words = readerWords(data);
  const li = document.createElement("li");
  li.className = "search-result";
  const section = data.filters?.section?.[0];
  const option = section && sections.get(section);
  if (option) {
    const kicker = document.createElement("p");
    kicker.className = "kicker";
    const a = document.createElement("a");
    a.href = option.dataset.href;
    a.textContent = option.textContent;
    kicker.append(a);
    li.append(kicker);
  }
  const h2 = document.createElement("h2");
  h2.className = "card-title";
  const link = document.createElement("a");
  link.href = data.url;
  appendWords(link, words.shown, words.scores, 0, words.titleWords);
  h2.append(link);
  li.append(h2);
  const date = data.filters?.date?.[0];
  if (date) {
    const meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = date;
    li.append(meta);
  }
  const start = excerptStart(words);
  const end = Math.min(words.shown.length, start + EXCERPT_WORDS);
  if (end > start) {
    const p = document.createElement("p");
    p.className = "excerpt";
    if (start > words.titleWords) p.append("… ");
    appendWords(p, words.shown, words.scores, start, end);
    if (end < words.shown.length) p.append(" …");
    li.append(p);
  }
  return li;
}

function start(form) {
  const d = form.dataset;
  const input = form.querySelector("input[name=q]");
  const selects = [...form.querySelectorAll("select")];
  const status = document.querySelector(".search-status");
  const list = document.querySelector(".search-results");
  const more = document.querySelector(".search-more");
  const sections = new Map(
    [...form.querySelectorAll("select[name=section] option")].map((o) => [o.value, o]),
  );
  const plural = new Intl.PluralRules(d.locale);
  const number = new Intl.NumberFormat(d.locale);
  const counted = (prefix, n, query) => {
    const form = plural.select(n);
    const key = prefix + form[0].toUpperCase() + form.slice(1);
    const text = d[key] ?? d[prefix + "Other"] ?? "{count}";
    return text.replaceAll("{count}", number.format(n)).replaceAll("{query}", query);
  };
  let instance = null;
  const pagefind = () => {
    instance ??= import(d.bundle + "pagefind.js").then(async (module) => {
      const search = module.createInstance({
        basePath: d.bundle,
        baseUrl: d.base,
        noWorker: true,
      });
      await search.init();
      return search;
    });
    return instance;
  };
  let generation = 0;
  let pending = [];

  const showMore = async (mine) => {
    const page = pending.splice(0, PAGE_SIZE);
    more.hidden = true;
    const items = await Promise.all(page.map((r) => r.data()));
    if (mine !== generation) return;
    for (const data of items) list.append(resultItem(data, sections));
    more.hidden = pending.length === 0;
  };

  const run = async () => {
    const mine = ++generation;
    const query = input.value.trim();
    const filters = {};
    for (const s of selects) if (s.value) filters[s.name] = s.value;
    const params = new URLSearchParams();
    if (query) params.set("q", query);
    for (const [k, v] of Object.entries(filters)) params.set(k, v);
    const search = params.toString();
    history.replaceState(null, "", search ? `?${search}` : location.pathname);
    list.replaceChildren();
    more.hidden = true;
    pending = [];
    const term = searchTerm(query);
    if (!term && !Object.keys(filters).length) {
      status.textContent = "";
      return;
    }
    status.textContent = d.searching;
    list.setAttribute("aria-busy", "true");
    try {
      const engine = await pagefind();
      const response = await engine.search(term || null, { filters });
      if (mine !== generation) return;
      const n = response.results.length;
      if (n === 0 && query) status.textContent = d.noResults.replaceAll("{query}", query);
      else status.textContent = query ? counted("results", n, query) : counted("stories", n, "");
      pending = response.results;
      await showMore(mine);
    } catch (error) {
      if (mine === generation) status.textContent = d.unavailable;
      console.error("search:", error);
    } finally {
      if (mine === generation) list.removeAttribute("aria-busy");
    }
  };

  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, 150);
  });
  input.addEventListener("focus", () => pagefind().catch(() => {}), { once: true });
  for (const s of selects) s.addEventListener("change", run);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    run();
  });
  more.addEventListener("click", () => showMore(generation));

  const params = new URLSearchParams(location.search);
  input.value = params.get("q") ?? "";
  for (const s of selects) s.value = params.get(s.name) ?? "";
  form.hidden = false;
  if (input.value || selects.some((s) => s.value)) run();
}

const form = document.querySelector("form.search[data-bundle]");
if (form) start(form);
