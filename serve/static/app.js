/* ppi serve — the live arbitration page.
 *
 * Plain JavaScript, no framework, no build step, nothing loaded from the network: the page talks only to its
 * own server through the endpoints of docs/serve-api.md. Everything the server words (edit labels, key
 * figures, objective parts, findings, remedies, messages) arrives already in the page's language from
 * reports/text.py; the page's own labels (buttons, headings) too: `State.words` carries the catalogue's `page.*`
 * phrases in the page's language, French typography applied (tests/reports/test_text.py checks that every key
 * the page uses is there in both languages).
 *
 * Numbers are shown as the reports show them (reports/html_base.py `Fmt`): French 12 345,6 with a narrow
 * no-break space between thousands, English 12,345.6; money in M€ with one decimal.
 */
"use strict";

const NBSP = "\u00a0";
const NNBSP = "\u202f";
const POLL_MS = 250;
const MAX_COMPARED = 4;

const app = {
  lang: null, // the address's ?lang=, else the server's
  words: {}, // the page's own labels in app.lang (State.words, from reports/text.py)
  wordsLang: null,

  token: null,
  state: null,
  busy: false, // a job (solve or why) runs
  sort: { key: null, dir: 1 },
  openWindow: null, // the project whose window editor is open
  chartUrls: {},
  compareUrls: [],
  whyClosed: null, // the project whose "why" panel was closed
};

// ------------------------------------------------------------------------------------------------ words

function w(key, values) {
  const table = app.words || {};
  let text = key in table ? table[key] : key;
  if (values) {
    for (const [name, value] of Object.entries(values)) text = text.split("{" + name + "}").join(String(value));
  }
  return text;
}

function colon() {
  return app.lang === "fr" ? NBSP + ": " : ": ";
}

function applyWords() {
  document.documentElement.lang = app.lang || "fr";
  for (const el of document.querySelectorAll("[data-w]")) el.textContent = w(el.dataset.w);
  for (const el of document.querySelectorAll("[data-wl]")) el.setAttribute("aria-label", w(el.dataset.wl));
  const other = app.lang === "fr" ? "en" : "fr";
  const button = document.getElementById("lang-switch");
  button.textContent = w("switch_to");
  button.lang = other;
}

// ------------------------------------------------------------------------------------------------ numbers

/** `x` (≥ 0) with `decimals` decimals as Python's format (the reports') writes it: the exact binary value
 * rounded, an exact tie to the even digit (1234.5 → 1234, where JavaScript's toFixed gives 1235). */
function fixed(x, decimals) {
  const [whole, frac = ""] = x.toFixed(Math.min(100, decimals + 30)).split(".");
  if (!/^50*$/.test(frac.slice(decimals))) return x.toFixed(decimals);
  const digits = whole + frac.slice(0, decimals);
  if (Number(digits[digits.length - 1]) % 2 === 1) return x.toFixed(decimals); // a tie rounded up to even
  return decimals ? whole + "." + frac.slice(0, decimals) : whole;
}

/** A number as the reports write it: 12 345,6 (French) or 12,345.6 (English); "—" when missing. */
function num(x, decimals = 1) {
  if (x === null || x === undefined || x === "" || !Number.isFinite(Number(x))) return "—";
  let value = Number(x);
  if (Number(value.toFixed(decimals)) === 0) value = 0; // never "-0,0"
  const [whole, frac] = fixed(Math.abs(value), decimals).split(".");
  const sep = app.lang === "fr" ? NNBSP : ",";
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
  const text = frac === undefined ? grouped : grouped + (app.lang === "fr" ? "," : ".") + frac;
  return (value < 0 ? "−" : "") + text;
}

/** Euros as M€ with one decimal, as the reports do. */
function meur(x, decimals = 1) {
  if (x === null || x === undefined || !Number.isFinite(Number(x))) return "—";
  return num(Number(x) / 1e6, decimals) + NBSP + "M€";
}

/** A typed number read back: spaces of any kind dropped, a decimal comma accepted; NaN when not a number. */
function parseNumber(text) {
  const clean = String(text).replace(/[\s\u00a0\u202f]/g, "").replace(/−/g, "-").replace(",", ".");
  if (!/^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(clean)) return NaN;
  return Number(clean);
}

/** A share (0.7) as a percentage, as the reports write it: 70 % (French), 70% (English). */
function pct(x, decimals = 0) {
  if (x === null || x === undefined || !Number.isFinite(Number(x))) return "—";
  return num(100 * Number(x), decimals) + (app.lang === "fr" ? NNBSP : "") + "%";
}

function signed(x, decimals, unit) {
  if (!Number.isFinite(Number(x))) return "—";
  const text = num(x, decimals);
  return (Number(x) > 0 && text !== num(0, decimals) ? "+" : "") + text + (unit ? NBSP + unit : "");
}

// ------------------------------------------------------------------------------------------------ server

function withToken(url) {
  if (!app.token) return url;
  return url + (url.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(app.token);
}

/** A call to the server: {ok, status, data}; never throws (a network failure is status 0). */
async function call(method, url, body) {
  const headers = { Accept: "application/json" };
  if (app.token) headers["X-PPI-Token"] = app.token;
  if (app.lang) headers["X-PPI-Lang"] = app.lang; // the server words its refusals in the page's language
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (error) {
    return { ok: false, status: 0, data: { errors: [String(error)] } };
  }
  const type = response.headers.get("Content-Type") || "";
  let data = null;
  if (type.includes("json")) {
    try {
      data = await response.json();
    } catch (error) {
      data = { errors: [String(error)] };
    }
  } else {
    data = { text: await response.text() };
  }
  return { ok: response.ok, status: response.status, data };
}

function errorsOf(reply) {
  const data = reply.data || {};
  if (Array.isArray(data.errors) && data.errors.length) return data.errors.map(String);
  if (typeof data.error === "string") return [data.error];
  if (typeof data.detail === "string") return [data.detail];
  if (typeof data.message === "string") return [data.message];
  const text = (data.text || "").slice(0, 300);
  return ["error" in app.words ? w("error", { status: reply.status, text }) : reply.status + " " + text];
}

function showErrors(id, messages) {
  const box = document.getElementById(id);
  if (!box) return;
  box.replaceChildren();
  for (const message of messages || []) box.append(el("p", {}, message));
}

function clearErrors() {
  for (const box of document.querySelectorAll(".err")) box.replaceChildren();
}

// ------------------------------------------------------------------------------------------------ DOM

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function table(heads, rows, css) {
  const head = el("tr", {}, heads.map((h) => el("th", { class: h.num ? "num" : null, scope: "col" }, h.text)));
  const body = rows.map((cells) =>
    el(
      "tr",
      {},
      cells.map((c, i) => el("td", { class: heads[i] && heads[i].num ? "num" : null }, c)),
    ),
  );
  return el("div", { class: "table-wrap" }, el("table", { class: css || null }, el("thead", {}, head), el("tbody", {}, body)));
}

// ------------------------------------------------------------------------------------------------ state

function scenario() {
  return (app.state && app.state.scenario) || {};
}

function result() {
  return (app.state && app.state.result) || null;
}

function kinds() {
  return (scenario().kinds || []).map((k) =>
    typeof k === "string"
      ? { id: k, name: k }
      : { id: k.id || k.kind, name: k.name || k.label || k.id || k.kind, weight: k.weight, unit: k.unit },
  );
}

function kindName(id) {
  const found = kinds().find((k) => k.id === id);
  return found ? found.name : id;
}

function projectName(id) {
  const found = (scenario().projects || []).find((p) => p.id === id);
  return found && found.name ? found.name : id;
}

function running() {
  const state = app.state || {};
  return state.status === "solving" || (state.job && state.job.status === "running");
}

function editsKey(state) {
  return JSON.stringify(((state && state.edits) || []).map((e) => e.id));
}

/** Edits added or removed since the plan shown was solved (the plan lists the edits it carries). */
function hasPendingEdits() {
  const state = app.state;
  const res = result();
  if (!state || !res || !Array.isArray(res.edits)) return false;
  return editsKey(state) !== JSON.stringify(res.edits);
}

async function loadState() {
  const reply = await call("GET", "/api/state" + (app.lang ? "?lang=" + app.lang : ""));
  if (!reply.ok) {
    setBarMessage(errorsOf(reply).join(" "));
    return false;
  }
  setState(reply.data);
  return true;
}

function setState(state) {
  app.state = state;
  if (!app.lang) app.lang = state.lang === "en" ? "en" : "fr"; // the server's --lang when the address names none
  if (state.words && state.lang === app.lang && app.wordsLang !== state.lang) {
    app.words = state.words;
    app.wordsLang = state.lang;
    applyWords();
  }
  render();
}

// ------------------------------------------------------------------------------------------------ render

function render() {
  const state = app.state || {};
  const sc = scenario();
  document.title = (sc.name || "ppi") + " — " + w("title");
  document.getElementById("title").textContent = sc.name || w("title");
  const meta = [];
  const years = sc.ppi_years && sc.ppi_years.length ? sc.ppi_years : sc.years || [];
  if (years.length) meta.push(w("horizon", { start: years[0], end: years[years.length - 1] }));
  if (sc.target) meta.push(w("target", { target: sc.target }));
  document.getElementById("meta").textContent = meta.join(" · ");
  renderBar();
  renderSummary();
  renderDiagnosis();
  renderChanges();
  renderWhy();
  renderCharts();
  renderProjects();
  renderEdits();
  renderControls();
  renderSaved();
  document.body.dataset.status = state.status || "";
  document.body.dataset.ready = "1";
}

function renderBar() {
  const state = app.state || {};
  const status = state.status || "idle";
  const job = state.job;
  app.busy = running();
  document.body.dataset.job = job ? String(job.id) : "";
  document.body.dataset.jobStatus = job ? job.status : "";
  setBusy(app.busy);
  const statusEl = document.getElementById("status");
  statusEl.textContent = w("status." + status);
  statusEl.dataset.status = status;
  renderProgress(app.busy ? job : null);
  document.getElementById("pending").hidden = !hasPendingEdits() || app.busy;
}

/** While a job runs, every control that changes the state is disabled; "Annuler" is enabled. */
function setBusy(busy) {
  document.getElementById("solve").disabled = busy;
  document.getElementById("cancel").disabled = !busy;
  for (const node of document.querySelectorAll("[data-mutates]")) node.disabled = busy;
  for (const node of document.querySelectorAll("#envelopes input, #weights input, #scale")) node.disabled = busy;
  if (!busy) document.getElementById("edits-clear").disabled = !((app.state || {}).edits || []).length;
}

function renderProgress(job) {
  const bar = document.getElementById("progress");
  const text = document.getElementById("progress-text");
  if (!job || job.status !== "running") {
    bar.hidden = true;
    text.textContent = "";
    return;
  }
  bar.hidden = false;
  const best = job.best;
  const bound = job.bound;
  const parts = [w("elapsed", { s: num(job.elapsed || 0, 1) })];
  if (Number.isFinite(best) && Number.isFinite(bound)) {
    const gap = Math.abs(best - bound) / Math.max(Math.abs(best), 1e-9);
    bar.max = 1;
    bar.value = Math.max(0, Math.min(1, 1 - gap));
    parts.push(w("best_bound", { best: num(best, 2), bound: num(bound, 2) }));
  } else {
    bar.removeAttribute("value"); // indeterminate
  }
  text.textContent = parts.join(" · ");
}

function setBarMessage(text) {
  document.getElementById("bar-message").textContent = text || "";
}

function kpiBox(label, valueText, key, value, unit, css) {
  return el(
    "div",
    { class: "kpi" + (css ? " " + css : "") },
    el("div", { class: "label" }, label),
    el(
      "div",
      { class: "value", dataset: { key: key, value: value === null || value === undefined ? "" : String(value) } },
      valueText,
      unit ? el("span", { class: "unit" }, NBSP + unit) : null,
    ),
  );
}

function figureText(figure) {
  const value = figure.value;
  const unit = figure.unit || "";
  if (typeof value !== "number") return [value === null || value === undefined ? "—" : String(value), unit];
  if (unit === "€" || unit === "EUR" || unit === "eur") return [meur(value), ""];
  if (unit === "M€") return [num(value, 1), unit];
  return [num(value, Number.isInteger(value) ? 0 : 1), unit];
}

function renderSummary() {
  const state = app.state || {};
  const res = result();
  const box = document.getElementById("kpis");
  box.replaceChildren();
  const parts = document.getElementById("parts");
  parts.replaceChildren();
  const status = (res && res.status) || state.status || "idle";
  const statusText = (res && res.status_label) || w("status." + status);
  box.append(kpiBox(w("plan_status"), statusText, "status", status, "", "status-" + status));
  if (!res) {
    parts.append(el("p", { class: "note" }, w("no_plan")));
    return;
  }
  const figures = res.key_figures || [];
  if (!figures.some((f) => f.key === "objective") && res.objective !== null && res.objective !== undefined) {
    box.append(kpiBox(w("objective"), num(res.objective, 2), "objective", res.objective, ""));
  }
  figures.forEach((figure, i) => {
    const [text, unit] = figure.key === "objective" ? [num(figure.value, 2), figure.unit || ""] : figureText(figure);
    box.append(kpiBox(figure.label, text, figure.key || "figure." + i, figure.value, unit));
  });
  const rows = (res.parts || []).map((p) => [
    p.label,
    el("span", { dataset: { key: "part", value: String(p.value) } }, num(p.value, 2)),
  ]);
  if (rows.length) {
    const total = (res.parts || []).reduce((s, p) => s + Number(p.value || 0), 0);
    rows.push([el("strong", {}, w("objective")), el("strong", {}, num(total, 2))]);
    parts.append(table([{ text: w("part") }, { text: w("value"), num: true }], rows, "parts"));
  } else {
    parts.append(el("p", { class: "note" }, w("no_plan")));
  }
}

function renderDiagnosis() {
  const diag = (app.state || {}).diagnosis;
  const section = document.getElementById("diagnostic");
  section.hidden = !diag;
  if (!diag) return;
  const findings = document.getElementById("findings");
  findings.replaceChildren(...(diag.findings || []).map((f) => el("li", {}, typeof f === "string" ? f : JSON.stringify(f))));
  const remedies = document.getElementById("remedies");
  remedies.replaceChildren(
    ...(diag.remedies || []).map((r) =>
      el(
        "li",
        { dataset: { index: String(r.index) } },
        el("span", { class: "remedy-label" }, r.label || ""),
        " ",
        (r.set || []).length ? el("code", {}, r.set.map((s) => "--set " + s).join(" ")) : null,
        " ",
        el("button", { type: "button", class: "small", "data-mutates": true, onclick: () => applyRemedy(r.index) }, w("apply")),
      ),
    ),
  );
  for (const node of remedies.querySelectorAll("[data-mutates]")) node.disabled = app.busy;
}

function renderChanges() {
  const changes = (app.state || {}).changes;
  const section = document.getElementById("changes");
  section.hidden = !changes;
  if (!changes) return;
  const body = document.getElementById("changes-body");
  body.replaceChildren();
  const list = (title, ids, key) =>
    el(
      "div",
      { class: "change-list", dataset: { key } },
      el("h3", {}, title),
      (ids || []).length
        ? shortList(
            ids.map((item) => {
              const id = typeof item === "string" ? item : item.id;
              return el("li", { dataset: { id } }, projectName(id));
            }),
          )
        : el("p", { class: "note" }, w("none")),
    );
  const lists = el("div", { class: "change-lists" });
  lists.append(list(w("entered"), changes.entered, "entered"), list(w("left"), changes.left, "left"));
  const moved = changes.moved || [];
  lists.append(
    el(
      "div",
      { class: "change-list", dataset: { key: "moved" } },
      el("h3", {}, w("moved")),
      moved.length
        ? shortList(
            moved.map((m) =>
              el("li", { dataset: { id: m.id } }, projectName(m.id) + colon() + w("from_to", { from: m.from ?? "—", to: m.to ?? "—" })),
            ),
          )
        : el("p", { class: "note" }, w("none")),
    ),
  );
  body.append(lists);
  const unmet = changes.unmet || [];
  if (unmet.length) {
    body.append(el("h3", {}, w("unmet_kind")));
    body.append(
      table(
        [{ text: w("kind") }, { text: w("before"), num: true }, { text: w("after"), num: true }, { text: w("diff"), num: true }],
        unmet.map((u) => [kindName(u.kind), num(u.before, 1), num(u.after, 1), diffCell(u.after - u.before, 1, "")]),
        "changes-unmet",
      ),
    );
  }
  const spending = changes.spending || [];
  if (spending.length) {
    body.append(el("h3", {}, w("spending_year")));
    body.append(
      table(
        [{ text: w("year") }, { text: w("before"), num: true }, { text: w("after"), num: true }, { text: w("diff"), num: true }],
        spending.map((s) => [String(s.year), meur(s.before), meur(s.after), diffCell(s.after - s.before, 1, "M€", 1e6)]),
        "changes-spending",
      ),
    );
  }
}

/** A list, its first items shown and the rest behind "and N more" (after an infeasible state, every project
 * of the new plan "enters"). */
function shortList(items, shown = 8) {
  if (items.length <= shown + 2) return el("ul", {}, items);
  return el(
    "div",
    {},
    el("ul", {}, items.slice(0, shown)),
    el("details", {}, el("summary", {}, w("more", { n: items.length - shown })), el("ul", {}, items.slice(shown))),
  );
}

function diffCell(delta, decimals, unit, scale) {
  const value = scale ? delta / scale : delta;
  const text = Number.isFinite(value) ? signed(value, decimals, unit) : "—";
  const zero = !Number.isFinite(value) || Number(value.toFixed(decimals)) === 0;
  return el("span", { class: zero ? "same" : "differs" }, zero ? num(0, decimals) + (unit ? NBSP + unit : "") : text);
}

function renderWhy() {
  const why = (app.state || {}).why;
  const section = document.getElementById("why");
  if (!why || app.whyClosed === why.project) {
    section.hidden = true;
    return;
  }
  section.hidden = false;
  section.dataset.project = why.project;
  document.getElementById("why-title").textContent = w("why_title", { name: projectName(why.project) });
  const body = document.getElementById("why-body");
  body.replaceChildren();
  if (why.running) {
    body.append(el("p", { class: "note" }, w("why_running")));
    return;
  }
  const values = why.values || [];
  if (values.length && values.every((v) => "label" in v && "delta" in v)) {
    body.append(
      table(
        [{ text: w("why_change") }, { text: w("why_delta"), num: true }, { text: w("why_new_start"), num: true }, { text: w("why_detail") }],
        values.map((v) => [
          v.label,
          el("span", { dataset: { key: "delta." + v.change, value: v.delta === null ? "" : String(v.delta) } }, v.delta === null ? "—" : num(v.delta, 3)),
          v.new_start ?? "",
          v.text || "",
        ]),
        "why-values",
      ),
    );
    body.append(el("p", { class: "note" }, w("why_note")));
  } else if (why.text) {
    body.append(el("p", { class: "why-text" }, why.text));
  } else if (values.length) {
    body.append(genericTable(values, "why-values"));
  }
}

/** A table of a list of flat records (their keys as headings) — for data whose columns the server chooses. */
function genericTable(records, css) {
  if (!Array.isArray(records) || !records.length) return el("p", { class: "note" }, w("none"));
  if (Array.isArray(records[0])) {
    const [head, ...rows] = records;
    return table(head.map((h) => ({ text: String(h) })), rows.map((r) => r.map(cellText)), css);
  }
  const keys = [];
  for (const r of records) for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k);
  const numeric = keys.map((k) => records.every((r) => r[k] === null || r[k] === undefined || typeof r[k] === "number"));
  return table(
    keys.map((k, i) => ({ text: k, num: numeric[i] })),
    records.map((r) => keys.map((k) => cellText(r[k]))),
    css,
  );
}

function cellText(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Math.abs(value) >= 1e5 ? meur(value) : num(value, Number.isInteger(value) ? 0 : 2);
  if (typeof value === "boolean") return w(value ? "yes" : "no");
  if (Array.isArray(value)) return value.map((v) => (typeof v === "object" ? JSON.stringify(v) : String(v))).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

async function renderCharts() {
  const res = result();
  document.getElementById("graphiques").hidden = !(res && res.charts && Object.keys(res.charts).length);
  for (const figure of document.querySelectorAll("#graphiques figure.chart")) {
    const name = figure.dataset.chart;
    const img = figure.querySelector("img");
    img.alt = w("chart." + name);
    const url = res && res.charts && res.charts[name];
    figure.hidden = !url;
    if (!url) continue;
    const address = new URL(url, window.location.href);
    address.searchParams.set("lang", app.lang);
    const full = address.pathname + address.search;
    const stamp = full + "#" + editsKey(app.state) + (res.objective ?? "");
    if (figure.dataset.src === stamp) continue;
    figure.dataset.src = stamp;
    const blobUrl = await svgUrl(full);
    if (figure.dataset.src !== stamp) continue; // a newer state replaced it meanwhile
    if (app.chartUrls[name]) URL.revokeObjectURL(app.chartUrls[name]);
    app.chartUrls[name] = blobUrl;
    if (blobUrl) img.src = blobUrl;
  }
}

/** A chart fetched with the token header, shown through a blob URL (each SVG keeps its own ids). */
async function svgUrl(url) {
  const headers = {};
  if (app.token) headers["X-PPI-Token"] = app.token;
  try {
    const response = await fetch(url, { headers });
    if (!response.ok) return null;
    const text = await response.text();
    return URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
  } catch (error) {
    return null;
  }
}

// ------------------------------------------------------------------------------------------------ projects

const COLUMNS = [
  { key: "name", word: "h.project" },
  { key: "chosen", word: "h.chosen" },
  { key: "start", word: "h.start", num: true },
  { key: "delivery", word: "h.delivery", num: true },
  { key: "cost", word: "h.cost", num: true },
  { key: "city_share", word: "h.city_share", num: true },
  { key: "maturity", word: "h.maturity" },
  { key: "competence", word: "h.competence" },
  { key: "quartier_name", word: "h.quartier" },
  { key: "theme", word: "h.theme" },
  { key: "window", word: "h.window", num: true },
];

function projectRows() {
  const res = result();
  const solved = {};
  for (const p of (res && res.projects) || []) solved[p.id] = p;
  return (scenario().projects || []).map((p) => {
    const s = solved[p.id] || {};
    const row = Object.assign({}, p, s);
    row.name = p.name || s.name || p.id;
    row.chosen = Boolean(s.chosen);
    row.window = [p.earliest, p.latest];
    return row;
  });
}

function sortValue(row, key) {
  if (key === "window") return row.earliest ?? -Infinity;
  if (key === "city_share" && Number.isFinite(row.city_cost)) return row.city_cost;
  const value = row[key];
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value === null || value === undefined || value === "") return null;
  return value;
}

function sortedRows() {
  const rows = projectRows();
  const { key, dir } = app.sort;
  if (!key) return rows;
  const collator = new Intl.Collator(app.lang, { sensitivity: "base", numeric: true });
  return rows
    .map((row, i) => [row, i])
    .sort(([a, i], [b, j]) => {
      const x = sortValue(a, key);
      const y = sortValue(b, key);
      if (x === null && y === null) return i - j;
      if (x === null) return 1; // blanks last either way
      if (y === null) return -1;
      const c = typeof x === "number" && typeof y === "number" ? x - y : collator.compare(String(x), String(y));
      return c ? c * dir : i - j;
    })
    .map(([row]) => row);
}

function renderProjects() {
  const tableEl = document.getElementById("projects-table");
  const headRow = el(
    "tr",
    {},
    COLUMNS.map((c) => {
      const sorted = app.sort.key === c.key;
      return el(
        "th",
        {
          scope: "col",
          class: c.num ? "num" : null,
          "aria-sort": sorted ? (app.sort.dir > 0 ? "ascending" : "descending") : "none",
          dataset: { col: c.key },
        },
        el(
          "button",
          { type: "button", class: "sort", onclick: () => sortBy(c.key) },
          w(c.word),
          el("span", { class: "arrow", "aria-hidden": "true" }, sorted ? (app.sort.dir > 0 ? " ▲" : " ▼") : ""),
        ),
      );
    }),
    el("th", { scope: "col" }, w("h.actions")),
  );
  tableEl.tHead.replaceChildren(headRow);
  const body = tableEl.tBodies[0];
  body.replaceChildren();
  const years = scenario().years || [];
  for (const row of sortedRows()) {
    const tr = el("tr", {
      class: row.chosen ? "chosen" : "not-chosen",
      dataset: { id: row.id, chosen: row.chosen ? "1" : "0", start: row.start ?? "" },
    });
    const name = el("th", { scope: "row" }, row.name, row.name !== row.id ? el("div", { class: "id" }, row.id) : null);
    if (row.status && row.status !== "candidate") name.append(el("span", { class: "tag" }, w("ps." + row.status)));
    tr.append(
      name,
      el("td", { class: row.chosen ? "yes" : "no" }, w(row.chosen ? "yes" : "no")),
      el("td", { class: "num" }, row.start ?? ""),
      el("td", { class: "num" }, row.delivery ?? ""),
      el("td", { class: "num" }, meur(row.cost)),
      el(
        "td",
        { class: "num" },
        row.city_cost !== undefined && row.city_cost !== null ? meur(row.city_cost) : "",
        el("div", { class: "sub" }, pct(row.city_share)),
      ),
      el("td", {}, row.maturity ?? ""),
      el("td", {}, row.competence ?? ""),
      el("td", { dataset: { quartier: row.quartier ?? "" } }, row.quartier_name ?? row.quartier ?? ""),
      el("td", {}, row.theme ?? ""),
      el("td", { class: "num nowrap" }, windowText(row)),
      el(
        "td",
        { class: "actions" },
        // A committed operation (coup parti) has started: its start is a fact, not a choice to edit.
        row.status === "committed"
          ? null
          : [
              row.status === "mandatory"
                ? null
                : actionButton("force", w("force"), () => addEdit({ kind: "force", project: row.id }, rowErrors(row.id))),
              row.status === "excluded"
                ? null
                : actionButton("exclude", w("exclude"), () => addEdit({ kind: "exclude", project: row.id }, rowErrors(row.id))),
              actionButton("earlier", w("earlier"), () => addEdit({ kind: "shift", project: row.id, years: -1 }, rowErrors(row.id)), w("earlier_label")),
              actionButton("later", w("later"), () => addEdit({ kind: "shift", project: row.id, years: 1 }, rowErrors(row.id)), w("later_label")),
              actionButton("window", w("window"), () => toggleWindow(row.id), null, false),
            ],
        actionButton("why", w("why"), () => askWhy(row.id), null),
      ),
    );
    body.append(tr);
    if (app.openWindow === row.id) body.append(windowEditor(row, years));
  }
}

function windowText(row) {
  if (row.earliest === null && row.latest === null) return "";
  if (row.earliest === undefined && row.latest === undefined) return "";
  return (row.earliest ?? "…") + "–" + (row.latest ?? "…");
}

function actionButton(action, text, onclick, label, mutates = true) {
  const button = el("button", {
    type: "button",
    class: "small",
    "data-action": action,
    "data-mutates": mutates,
    "aria-label": label,
    title: label,
    onclick,
  }, text);
  if (mutates) button.disabled = app.busy;
  return button;
}

/** The id of the message box right under a project's row (made on demand), where its refused edits are told. */
function rowErrors(id) {
  const box = "err-row-" + id;
  if (!document.getElementById(box)) {
    const row = document.querySelector(`#projects-table tbody tr[data-id="${CSS.escape(id)}"]`);
    const cell = el("td", { colspan: String(COLUMNS.length + 1) }, el("div", { class: "err", id: box, role: "alert" }));
    if (row) row.after(el("tr", { class: "row-error", dataset: { for: id } }, cell));
  }
  return box;
}

function toggleWindow(id) {
  app.openWindow = app.openWindow === id ? null : id;
  renderProjects();
}

function windowEditor(row, years) {
  const first = years[0];
  const last = years[years.length - 1];
  const earliest = el("input", { type: "number", id: "win-earliest", min: first, max: last, step: 1, value: row.earliest ?? "" });
  const latest = el("input", { type: "number", id: "win-latest", min: first, max: last, step: 1, value: row.latest ?? "" });
  const apply = el(
    "button",
    {
      type: "button",
      class: "small",
      "data-mutates": true,
      onclick: () => {
        const e = earliest.value === "" ? null : parseNumber(earliest.value);
        const l = latest.value === "" ? null : parseNumber(latest.value);
        addEdit({ kind: "window", project: row.id, earliest: e, latest: l }, "err-window").then((ok) => {
          if (ok) {
            app.openWindow = null;
            renderProjects();
          }
        });
      },
    },
    w("apply"),
  );
  apply.disabled = app.busy;
  return el(
    "tr",
    { class: "window-editor", dataset: { id: row.id } },
    el(
      "td",
      { colspan: String(COLUMNS.length + 1) },
      el("label", { for: "win-earliest" }, w("earliest") + " "),
      earliest,
      " ",
      el("label", { for: "win-latest" }, w("latest") + " "),
      latest,
      " ",
      apply,
      el("div", { class: "err", id: "err-window", role: "alert" }),
    ),
  );
}

function sortBy(key) {
  if (app.sort.key === key) app.sort.dir = -app.sort.dir;
  else app.sort = { key, dir: 1 };
  renderProjects();
}

// ------------------------------------------------------------------------------------------------ edits

function renderEdits() {
  const state = app.state || {};
  const list = document.getElementById("edits");
  const edits = state.edits || [];
  list.replaceChildren(
    ...(edits.length
      ? edits.map((e) =>
          el(
            "li",
            { dataset: { id: String(e.id), kind: e.kind || "" } },
            el("span", { class: "edit-label" }, e.label || (e.set || []).join(" ")),
            " ",
            (e.set || []).length ? el("code", { class: "edit-set" }, (e.set || []).join(" ")) : null,
            " ",
            el(
              "button",
              {
                type: "button",
                class: "small remove",
                "data-mutates": true,
                "aria-label": w("remove_label", { label: e.label || "" }),
                onclick: () => removeEdit(e.id),
              },
              w("remove"),
            ),
          ),
        )
      : [el("li", { class: "note" }, w("no_edits"))]),
  );
  for (const node of list.querySelectorAll("[data-mutates]")) node.disabled = app.busy;
  document.getElementById("edits-clear").disabled = app.busy || !edits.length;
  document.getElementById("command").textContent = state.command || "";
}

/** The value an edit of the list sets last for `match`, or undefined. */
function lastEdit(match) {
  const edits = ((app.state || {}).edits || []).filter(match);
  return edits.length ? edits[edits.length - 1] : undefined;
}

function renderControls() {
  const sc = scenario();
  const res = result();
  const spent = {};
  for (const s of (res && res.spending) || []) spent[s.year] = s;
  const box = document.getElementById("envelopes");
  const years = sc.ppi_years || sc.years || [];
  const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest("#envelopes, #weights");
  if (!focused) {
    box.replaceChildren(
      ...years.map((year) => {
        const envelopes = sc.envelopes || {};
        const value = String(year) in envelopes ? envelopes[String(year)] : spent[year] ? spent[year].envelope : null;
        const input = el("input", {
          type: "text",
          inputmode: "decimal",
          size: "6",
          id: "env-" + year,
          "data-year": String(year),
          "aria-label": w("envelope_label", { year }),
          value: value === null || value === undefined ? "" : millions(value),
          disabled: app.busy,
        });
        input.addEventListener("change", () => envelopeChanged(year, input));
        return el("label", { class: "envelope" }, el("span", {}, String(year)), input);
      }),
    );
    const weights = document.getElementById("weights");
    weights.replaceChildren(
      ...kinds().map((k) => {
        const edit = lastEdit((e) => e.kind === "weight" && e.demand_kind === k.id);
        const value = edit ? edit.value : k.weight;
        const input = el("input", {
          type: "text",
          inputmode: "decimal",
          size: "5",
          id: "weight-" + k.id,
          "data-kind": k.id,
          "aria-label": w("weight_label", { kind: k.name }),
          value: value === null || value === undefined ? "" : String(value).replace(".", app.lang === "fr" ? "," : "."),
          disabled: app.busy,
        });
        input.addEventListener("change", () => weightChanged(k.id, input));
        return el("label", { class: "weight" }, el("span", {}, k.name), input);
      }),
    );
  }
  for (const [name, on] of [["carry", sc.carry_over], ["transfers", sc.transfers]]) {
    const known = typeof on === "boolean";
    document.getElementById(name + "-on").setAttribute("aria-pressed", known ? String(on) : "false");
    document.getElementById(name + "-off").setAttribute("aria-pressed", known ? String(!on) : "false");
    document.getElementById(name + "-now").textContent = known ? w(on ? "is_on" : "is_off") : "";
  }
  const exportSelect = document.getElementById("export-state");
  const chosen = exportSelect.value || "current";
  exportSelect.replaceChildren(...stateNames().map((n) => el("option", { value: n }, stateLabel(n))));
  exportSelect.value = stateNames().includes(chosen) ? chosen : "current";
  updateExportLinks();
}

/** Euros as M€ to type over: one decimal at least, three at most (7,0 · 7,25 · 7,125), no thousands separator. */
function millions(value) {
  const text = num(Number(value) / 1e6, 3).replace(app.lang === "fr" ? /\u202f/g : /,/g, "");
  return text.replace(/(\d)0{1,2}$/, "$1");
}

function envelopeChanged(year, input) {
  const millions = parseNumber(input.value);
  // A text that is not a number goes to the server as typed: its answer is the CLI's own message.
  const value = Number.isFinite(millions) ? Math.round(millions * 1e6 * 100) / 100 : input.value;
  addEdit({ kind: "envelope", year: Number(year), value }, "err-envelope").then((ok) => {
    if (!ok) input.classList.add("invalid");
  });
}

function weightChanged(kind, input) {
  const parsed = parseNumber(input.value);
  addEdit({ kind: "weight", demand_kind: kind, value: Number.isFinite(parsed) ? parsed : input.value }, "err-weight").then(
    (ok) => {
      if (!ok) input.classList.add("invalid");
    },
  );
}

async function addEdit(edit, errorBox) {
  clearErrors();
  const reply = await call("POST", "/api/edits", edit);
  if (!reply.ok) {
    showErrors(errorBox, errorsOf(reply));
    return false;
  }
  app.state = reply.data;
  render();
  return true;
}

async function removeEdit(id) {
  clearErrors();
  const reply = await call("DELETE", "/api/edits/" + encodeURIComponent(id));
  if (!reply.ok) return showErrors("err-edits", errorsOf(reply));
  app.state = reply.data;
  render();
  showErrors("err-edits", reply.data.notices); // later edits removed with it, and why
}

async function clearEdits() {
  clearErrors();
  const reply = await call("POST", "/api/edits/clear");
  if (!reply.ok) return showErrors("err-edits", errorsOf(reply));
  app.state = reply.data;
  render();
}

async function applyRemedy(index) {
  clearErrors();
  const reply = await call("POST", "/api/remedy", { index });
  if (!reply.ok) return showErrors("err-remedy", errorsOf(reply));
  app.state = reply.data;
  render();
}

// ------------------------------------------------------------------------------------------------ jobs

async function solve() {
  clearErrors();
  setBarMessage("");
  setBusy(true); // at once: one click, one solve
  const reply = await call("POST", "/api/solve");
  if (!reply.ok) {
    const messages = errorsOf(reply); // 409: a solve runs already (another window)
    await loadState();
    setBarMessage(messages.join(" "));
    if (running()) pollJob();
    return;
  }
  if (app.state) app.state.job = reply.data.job;
  if (app.state) app.state.status = "solving";
  render();
  pollJob();
}

async function cancelSolve() {
  const reply = await call("POST", "/api/cancel");
  if (!reply.ok) setBarMessage(errorsOf(reply).join(" "));
}

async function askWhy(project) {
  clearErrors();
  app.whyClosed = null;
  setBusy(true);
  const reply = await call("POST", "/api/why", { project });
  if (!reply.ok) {
    setBusy(running());
    return showErrors(rowErrors(project), errorsOf(reply));
  }
  if (app.state) {
    app.state.job = reply.data.job;
    app.state.why = { project, running: true, values: [], text: "" };
  }
  render();
  document.getElementById("why").scrollIntoView({ block: "nearest" });
  pollJob();
}

let polling = false;

/** Follow the running job until it ends, then read the new state once. */
async function pollJob() {
  if (polling) return;
  polling = true;
  try {
    for (;;) {
      const reply = await call("GET", "/api/job");
      if (!reply.ok) {
        setBarMessage(errorsOf(reply).join(" "));
        break;
      }
      const job = reply.data;
      if (app.state) app.state.job = job;
      if (!job || job.status !== "running") {
        await loadState();
        const worded = ((app.state || {}).job || {}).message; // State.job carries the server's words
        if (job && job.status === "cancelled") setBarMessage(worded || w("cancelled"));
        else if (job && job.status === "failed") setBarMessage(worded || job.message || w("failed"));
        else setBarMessage("");
        render();
        break;
      }
      renderBar();
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    polling = false;
  }
}

// ------------------------------------------------------------------------------------------------ save, compare, export

function savedNames() {
  return ((app.state || {}).saved || []).map((s) => (typeof s === "string" ? s : s.name));
}

/** The states the server can show: the current one, the previous one (once a second solve ran), saved ones. */
function stateNames() {
  const state = app.state || {};
  return ["current", ...(state.changes ? ["previous"] : []), ...savedNames()];
}

function stateLabel(name) {
  return name === "current" ? w("current") : name === "previous" ? w("previous") : name;
}

function renderSaved() {
  const box = document.getElementById("compare-choices");
  const checked = new Set([...box.querySelectorAll("input:checked")].map((i) => i.value));
  const names = stateNames();
  box.replaceChildren(
    ...names.map((n) =>
      el(
        "label",
        { class: "choice" },
        el("input", { type: "checkbox", value: n, checked: checked.has(n) }),
        " ",
        stateLabel(n),
      ),
    ),
  );
}

async function save(replace) {
  clearErrors();
  const name = document.getElementById("save-name").value.trim();
  document.getElementById("save-done").textContent = "";
  const reply = await call("POST", "/api/save", { name, replace: Boolean(replace) });
  const confirmBox = document.getElementById("save-confirm");
  if (reply.status === 409 && !replace && (reply.data || {}).code === "name_exists") {
    document.getElementById("save-confirm-text").textContent = w("save_exists", { name });
    confirmBox.hidden = false;
    confirmBox.dataset.name = name;
    showErrors("err-save", errorsOf(reply));
    return;
  }
  confirmBox.hidden = true;
  if (!reply.ok) return showErrors("err-save", errorsOf(reply));
  const done = reply.data || {};
  document.getElementById("save-done").textContent = w("saved", {
    name: done.name || name,
    file: done.file || "",
    command: done.command || "",
  });
  await loadState();
}

async function compareStates() {
  clearErrors();
  const chosen = [...document.querySelectorAll("#compare-choices input:checked")].map((i) => i.value);
  const body = document.getElementById("compare-body");
  if (chosen.length < 2 || chosen.length > MAX_COMPARED) {
    showErrors("err-compare", [w("compare_count")]);
    return;
  }
  const go = document.getElementById("compare-go");
  go.disabled = true;
  body.replaceChildren(el("p", { class: "note", role: "status" }, w("compare_running")));
  const reply = await call("GET", "/api/compare?states=" + chosen.map(encodeURIComponent).join(",") + "&lang=" + app.lang);
  go.disabled = false;
  if (!reply.ok) {
    body.replaceChildren();
    return showErrors("err-compare", errorsOf(reply));
  }
  for (const u of app.compareUrls) URL.revokeObjectURL(u);
  app.compareUrls = [];
  const data = reply.data || {};
  body.replaceChildren();
  body.dataset.states = chosen.join(",");
  const charts = el("div", { class: "compare-charts" });
  for (const [name, svg] of Object.entries(data.charts || {})) {
    const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
    app.compareUrls.push(url);
    charts.append(
      el(
        "figure",
        { class: "chart", dataset: { chart: name } },
        el("img", { src: url, alt: w("chart." + name) }),
        el("figcaption", {}, w("chart." + name)),
      ),
    );
  }
  body.append(charts);
  body.append(compareTable(data, chosen));
}

/** The comparison: its summary (one row per figure, one column per state, the rows that differ marked) and
 * the projects whose start differs. */
function compareTable(data, chosen) {
  const labels = data.labels || chosen;
  if (Array.isArray(data.rows) && Array.isArray(data.columns) && data.columns.includes("indicator")) {
    const box = el("div", {});
    const head = data.head || {};
    const heads = [
      { text: head.indicator || w("indicator") },
      { text: head.unit || "" },
      ...labels.map((l) => ({ text: stateLabel(l), num: true })),
    ];
    // Worded by the server as the comparison report words them (reports/html_compare.py).
    const rows = data.rows.map((r) => [
      r.label || r.indicator,
      r.unit_label ?? r.unit ?? "",
      ...labels.map((l) => (r.texts && l in r.texts ? r.texts[l] : comparedValue(r[l], r.unit, r.indicator))),
    ]);
    const summary = table(heads, rows, "compare");
    data.rows.forEach((r, i) => {
      if (r.differs) summary.querySelectorAll("tbody tr")[i].classList.add("differs");
    });
    box.append(summary);
    const moved = (data.starts || []).filter((r) => r.differs);
    box.append(el("h3", {}, w("starts_differ")));
    box.append(
      moved.length
        ? table(
            [{ text: w("h.project") }, ...labels.map((l) => ({ text: stateLabel(l), num: true }))],
            moved.map((r) => [r.name || r.project, ...labels.map((l) => (r[l] === null || r[l] === undefined ? "—" : String(r[l])))]),
            "compare-starts",
          )
        : el("p", { class: "note" }, w("none")),
    );
    return box;
  }
  const t = data.table !== undefined ? data.table : data.rows !== undefined ? data : data.summary;
  if (t && Array.isArray(t.columns) && Array.isArray(t.rows)) {
    const rows = t.rows.map((r) => (Array.isArray(r) ? r : t.columns.map((c) => r[c])));
    return table(t.columns.map((c) => ({ text: String(c) })), rows.map((r) => r.map(cellText)), "compare");
  }
  if (Array.isArray(t)) return genericTable(t, "compare");
  if (t && typeof t === "object") {
    const box = el("div", {});
    for (const [name, part] of Object.entries(t)) {
      box.append(el("h3", {}, name), compareTable({ table: part }, chosen));
    }
    return box;
  }
  return el("p", { class: "note" }, chosen.join(" · "));
}

function comparedValue(value, unit, indicator) {
  if (value === null || value === undefined) return "—";
  if (typeof value !== "number") return String(value);
  if (/\(year\)$/.test(indicator || "")) return String(value); // a year, not a quantity: 2035, never 2 035
  if (unit === "€") return meur(value);
  if (unit === "share") return num(100 * value, 1) + (app.lang === "fr" ? NNBSP : "") + "%";
  return num(value, Number.isInteger(value) ? 0 : 1);
}

function updateExportLinks() {
  const state = document.getElementById("export-state").value || "current";
  const query = "?state=" + encodeURIComponent(state) + "&lang=" + app.lang;
  document.getElementById("export-html").href = withToken("/api/export/report.html" + query);
  document.getElementById("export-xlsx").href = withToken("/api/export/report.xlsx" + query);
}

// ------------------------------------------------------------------------------------------------ start

async function switchLanguage() {
  app.lang = app.lang === "fr" ? "en" : "fr";
  const url = new URL(window.location.href);
  url.searchParams.set("lang", app.lang);
  window.history.replaceState(null, "", url);
  for (const figure of document.querySelectorAll("#graphiques figure.chart")) delete figure.dataset.src;
  document.getElementById("compare-body").replaceChildren();
  await loadState();
}

function wire() {
  document.getElementById("solve").addEventListener("click", solve);
  document.getElementById("cancel").addEventListener("click", cancelSolve);
  document.getElementById("lang-switch").addEventListener("click", switchLanguage);
  document.getElementById("edits-clear").addEventListener("click", clearEdits);
  document.getElementById("copy-command").addEventListener("click", async (event) => {
    const text = document.getElementById("command").textContent;
    try {
      await navigator.clipboard.writeText(text);
      event.target.textContent = w("copied");
    } catch (error) {
      const range = document.createRange();
      range.selectNodeContents(document.getElementById("command"));
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
    }
  });
  document.getElementById("scale-apply").addEventListener("click", () => {
    const percent = parseNumber(document.getElementById("scale").value);
    if (!Number.isFinite(percent)) return showErrors("err-scale", [w("number_expected")]);
    addEdit({ kind: "scale", factor: percent / 100 }, "err-scale").then((ok) => {
      if (ok) document.getElementById("scale").value = "100";
    });
  });
  document.getElementById("scale").addEventListener("keydown", (event) => {
    if (event.key === "Enter") document.getElementById("scale-apply").click();
  });
  document.getElementById("carry-on").addEventListener("click", () => addEdit({ kind: "carry", on: true }, "err-carry"));
  document.getElementById("carry-off").addEventListener("click", () => addEdit({ kind: "carry", on: false }, "err-carry"));
  document.getElementById("transfers-on").addEventListener("click", () => addEdit({ kind: "transfers", on: true }, "err-transfers"));
  document.getElementById("transfers-off").addEventListener("click", () => addEdit({ kind: "transfers", on: false }, "err-transfers"));
  document.getElementById("save-go").addEventListener("click", () => save(false));
  document.getElementById("save-name").addEventListener("keydown", (event) => {
    if (event.key === "Enter") save(false);
  });
  document.getElementById("save-replace").addEventListener("click", () => save(true));
  document.getElementById("save-keep").addEventListener("click", () => {
    document.getElementById("save-confirm").hidden = true;
    clearErrors();
  });
  document.getElementById("compare-go").addEventListener("click", compareStates);
  document.getElementById("export-state").addEventListener("change", updateExportLinks);
  for (const id of ["export-html", "export-xlsx"]) {
    // A variant of the file not solved yet is solved by the server before its export: show that solve's progress.
    document.getElementById(id).addEventListener("click", () => {
      const state = document.getElementById("export-state").value || "current";
      if (state !== "current" && state !== "previous") setTimeout(pollJob, POLL_MS);
    });
  }
  document.getElementById("why-close").addEventListener("click", () => {
    app.whyClosed = ((app.state || {}).why || {}).project || null;
    renderWhy();
  });
}

async function start() {
  const params = new URLSearchParams(window.location.search);
  app.token = params.get("token");
  const lang = params.get("lang");
  if (lang === "fr" || lang === "en") app.lang = lang;
  wire();
  if (await loadState()) {
    if (running()) pollJob();
  }
}

document.addEventListener("DOMContentLoaded", start);
