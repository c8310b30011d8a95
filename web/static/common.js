"use strict";
// Shared by every page: the API, the time scrubber, permalinks, live updates, and safe DOM building.
// Text always goes in through textContent, never innerHTML: a summary holding markup stays text.
const Chronicle = (() => {
  const refreshers = [];
  let bounds = {};
  let lastPosition = null;

  function params() { return new URLSearchParams(location.search); }

  function scrub() {
    const p = params();
    return { as_of: p.get("as_of") || "", known_at: p.get("known_at") || "" };
  }

  function setParams(changes) {
    const p = params();
    for (const [k, v] of Object.entries(changes)) {
      if (v === "" || v === null || v === undefined) p.delete(k); else p.set(k, v);
    }
    const q = p.toString();
    history.replaceState(null, "", location.pathname + (q ? "?" + q : ""));
  }

  function query(extra, withScrub) {
    const p = new URLSearchParams();
    if (withScrub !== false) {
      const s = scrub();
      if (s.as_of) p.set("as_of", s.as_of);
      if (s.known_at) p.set("known_at", s.known_at);
    }
    for (const [k, v] of Object.entries(extra || {})) {
      if (Array.isArray(v)) v.forEach((x) => p.append(k, x));
      else if (v !== "" && v !== null && v !== undefined && v !== false) p.set(k, v);
    }
    const q = p.toString();
    return q ? "?" + q : "";
  }

  async function api(path, extra, withScrub) {
    const response = await fetch("/api" + path + query(extra, withScrub), {
      headers: { Accept: "application/json" }, credentials: "same-origin",
    });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error || response.statusText);
    return body;
  }

  async function post(path, value) {
    const response = await fetch("/api" + path, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: value === undefined ? "{}" : JSON.stringify(value),
    });
    const body = await response.json();
    if (!response.ok) { const e = new Error(body.error || response.statusText); e.status = response.status; throw e; }
    return body;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      node.append(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    }
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

  function flash(message) {
    const f = document.getElementById("flash");
    if (!message) { f.hidden = true; return; }
    f.textContent = message; f.hidden = false;
  }

  function show(value) {
    if (value === null || value === undefined) return "–";
    if (typeof value === "object") return JSON.stringify(value);
    return String(value);
  }

  function entityLink(key) {
    const [kind, id] = key.split(":");
    return el("a", { href: "/" + kind + "s/" + encodeURIComponent(id) + query({}), text: key });
  }

  function devLink(id) {
    return el("a", { href: "/developments/" + encodeURIComponent(id) + query({}), text: id });
  }

  async function refresh() {
    flash("");
    for (const fn of refreshers) {
      try { await fn(); } catch (e) { flash(e.message); }
    }
    document.body.dataset.refreshed = String(Date.now());
  }

  function page(fn) { refreshers.push(fn); }

  // -- the scrubber: two axes, a slider each, and the exact value beside it -----------------------

  function dayOf(text) { return text.slice(0, 10); }

  // The sliders span the story from /api/bounds (one read, however long the story):
  // as of by day, known at in STEPS even steps of record time; the right end of each is "now".
  const STEPS = 1000;
  const DAY = 86400000;

  async function loadBounds() {
    bounds = await api("/bounds", {}, false);
    placeSliders();
  }

  function placeSliders() {
    const s = scrub();
    const asOf = document.getElementById("as-of-range");
    const knownAt = document.getElementById("known-at-range");
    const first = bounds.first ? Date.parse(bounds.first) : null;
    const span = first === null ? 0 : Math.round((Date.parse(bounds.last) - first) / DAY) + 1;
    asOf.max = String(span);
    asOf.value = String(s.as_of && first !== null ? Math.min(span, Math.max(0, Math.round((Date.parse(s.as_of) - first) / DAY))) : span);
    knownAt.max = String(STEPS);
    const low = bounds.first_recorded ? Date.parse(bounds.first_recorded) : null;
    const high = bounds.last_recorded ? Date.parse(bounds.last_recorded) : null;
    let step = STEPS;
    if (s.known_at && low !== null && high > low) step = Math.round(((Date.parse(s.known_at) - low) / (high - low)) * (STEPS - 1));
    knownAt.value = String(Math.min(STEPS, Math.max(0, step)));
    document.getElementById("as-of").value = s.as_of;
    document.getElementById("known-at").value = s.known_at;
  }

  function asOfFromSlider(v) {
    if (!bounds.first || Number(v) >= Number(document.getElementById("as-of-range").max)) return "";
    return new Date(Date.parse(bounds.first) + Number(v) * DAY).toISOString().slice(0, 10);
  }

  function knownAtFromSlider(v) {
    if (Number(v) >= STEPS || !bounds.first_recorded) return "";
    const low = Date.parse(bounds.first_recorded), high = Date.parse(bounds.last_recorded);
    return new Date(low + ((high - low) * Number(v)) / (STEPS - 1)).toISOString();
  }

  function storyBounds() { return bounds; }

  function applyScrub(asOf, knownAt) {
    setParams({ as_of: asOf, known_at: knownAt });
    placeSliders();
    refresh();
  }

  function wireScrubber() {
    const asOfRange = document.getElementById("as-of-range");
    const knownAtRange = document.getElementById("known-at-range");
    const asOf = document.getElementById("as-of");
    const knownAt = document.getElementById("known-at");
    asOfRange.addEventListener("input", () => { asOf.value = asOfFromSlider(asOfRange.value); });
    knownAtRange.addEventListener("input", () => { knownAt.value = knownAtFromSlider(knownAtRange.value); });
    asOfRange.addEventListener("change", () => applyScrub(asOf.value, knownAt.value));
    knownAtRange.addEventListener("change", () => applyScrub(asOf.value, knownAt.value));
    asOf.addEventListener("change", () => applyScrub(asOf.value, knownAt.value));
    knownAt.addEventListener("change", () => applyScrub(asOf.value, knownAt.value.trim()));
    document.getElementById("scrubber").addEventListener("submit", (e) => { e.preventDefault(); applyScrub(asOf.value, knownAt.value.trim()); });
    document.getElementById("scrub-now").addEventListener("click", () => applyScrub("", ""));
  }

  // -- live: the log's position by server-sent events; any move re-answers every panel -------------

  function listen() {
    const dot = document.getElementById("live");
    const source = new EventSource("/api/events");
    source.addEventListener("open", () => dot.classList.add("on"));
    source.addEventListener("error", () => dot.classList.remove("on"));
    source.addEventListener("position", async (event) => {
      const position = Number(event.data);
      document.body.dataset.position = String(position);
      if (lastPosition !== null && position !== lastPosition) {
        lastPosition = position;
        try { await loadBounds(); } catch (e) { flash(e.message); }
        await refresh();
      }
      lastPosition = position;
    });
  }

  document.addEventListener("DOMContentLoaded", async () => {
    wireScrubber();
    try { await loadBounds(); } catch (e) { flash(e.message); }
    await refresh();
    listen();
  });

  return { storyBounds, api, post, el, clear, flash, show, page, refresh, params, setParams, scrub, query, entityLink, devLink, dayOf };
})();
