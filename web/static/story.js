"use strict";
// The story page: the timeline (full width) and the map, linked both ways, the filters, and permalinks.
(() => {
  const C = Chronicle;
  let timeline = null, items = null, shown = [], selected = null, filtersReady = false, mapReady = null;
  let fill = null, publishersShown = false, fetched = null;
  const DAY = 86400000, LIMIT = 2000;  // developments asked for at a time: the window on screen and one each side

  const when = (text) => {
    const [from, to] = text.includes("/") ? text.split("/") : [text, text];
    const start = from.length === 4 ? from + "-01-01" : from.length === 7 ? from + "-01" : from;
    let end;
    if (to.length === 4) end = String(Number(to) + 1) + "-01-01";
    else if (to.length === 7) { const [y, m] = to.split("-").map(Number); end = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10); }
    else end = null;
    return { start, end, span: from.length < 10 || to !== from };
  };

  function filters() {
    const p = C.params();
    return { actor: p.get("actor") || "", type: p.get("type") || "", source: p.get("source") || "",
      confidence: p.get("confidence") || "", q: p.get("q") || "", tag: p.get("tag") || "",
      country: p.get("country") || "" };
  }

  async function fillFilters() {
    if (filtersReady) return;
    filtersReady = true;
    const f = filters();
    const [actors, forms] = await Promise.all([C.api("/actors", {}, false), C.api("/forms")]);
    fill = (id, values, current) => {
      const select = document.getElementById(id);
      for (const [value, label] of values) select.append(C.el("option", { value, text: label }));
      select.value = current;
      select.addEventListener("change", () => { C.setParams({ [id.slice(2)]: select.value }); load(); });
    };
    fill("f-actor", actors.map((a) => [a.id, a.name || a.id]), f.actor);
    fill("f-type", Object.keys(forms).map((t) => [t, t.replace(/_/g, " ")]), f.type);
    fill("f-confidence", ["confirmed", "reported", "claimed", "disputed"].map((c) => [c, c]), f.confidence);
    for (const id of ["f-tag", "f-country"]) {
      const select = document.getElementById(id);
      select.addEventListener("change", () => { C.setParams({ [id.slice(2)]: select.value }); load(); });
    }
    const search = document.getElementById("f-search");
    search.value = f.q;
    search.addEventListener("change", () => { C.setParams({ q: search.value.trim() }); load(); });
  }

  function itemFor(d) {
    const w = when(d.occurred);
    const content = C.el("span", { class: "item-text" }, C.el("b", { text: d.occurred }), " ", d.summary);
    const item = { id: d.id, content, start: w.start, className: "t-" + d.type + (d.retracted_by ? " retracted" : "") };
    if (w.span && w.end) { item.end = w.end; item.type = "range"; } else item.type = "box";
    return item;
  }

  // A crowded window drawn as columns of counts, one per stretch, each a click away from its developments.
  function densityItems(dense) {
    const most = Math.max(1, ...dense.buckets.map((b) => b.count));
    return dense.buckets.filter((b) => b.count > 0).map((b) => ({
      id: "density:" + b.start, start: b.start, end: b.end, type: "range",
      className: "density d" + Math.max(1, Math.ceil(5 * b.count / most)),  // five shades, darkest the fullest
      content: C.el("span", { class: "density-count", title: b.count + " developments, " + b.start + " to " + b.end },
        String(b.count)),
    }));
  }

  function select(id, from) {
    selected = id;
    C.setParams({ dev: id });
    if (from !== "timeline" && timeline) timeline.setSelection(id ? [id] : [], { focus: !!id, animation: false });
    StoryMap.highlight(id);
    const d = shown.find((x) => x.id === id);
    const detail = C.clear(document.getElementById("detail"));
    document.body.dataset.selected = id || "";
    if (!d) { detail.append(C.el("p", { class: "hint", text: "Select a development on the timeline or the map." })); return; }
    detail.append(
      C.el("h2", {}, C.el("a", { href: "/developments/" + encodeURIComponent(d.id) + C.query({}), text: d.summary })),
      C.el("p", { class: "meta" }, d.occurred + " · " + d.type.replace(/_/g, " ") + " · " + d.confidence +
        (d.location ? " · " + d.location : "") + (d.corrected_by.length ? " · corrected by " + d.corrected_by.join(", ") : "")),
      C.el("p", { class: "meta" }, "sources: " + (d.sources.map((s) => s.publisher).join(", ") || "none") +
        " · recorded " + C.when(d.recorded)),
      C.el("p", {}, C.el("a", { href: "/?dev=" + encodeURIComponent(d.id), class: "permalink", text: "permalink" })),
    );
  }

  async function entities() {
    for (const kind of ["actors", "negotiations"]) {
      const list = C.clear(document.getElementById(kind));
      for (const v of await C.api("/" + kind)) {
        const status = kind === "actors" ? (v.status === "killed" ? "killed " + (v.killed_on || "") : v.kind || "") : v.status;
        list.append(C.el("li", { "data-id": v.id, "data-status": v.status },
          C.el("a", { href: "/" + kind + "/" + encodeURIComponent(v.id) + C.query({}), text: v.name || v.title || v.id }),
          " ", C.el("span", { class: "status s-" + v.status, text: status })));
      }
    }
  }

  // The window opens on the story's day-dated developments (month and year ranges would stretch it over
  // their whole span and squeeze every day into a few pixels); only the window, and as much again on each
  // side, is asked of the server, and again whenever the view leaves what was fetched.
  function initialWindow() {
    const b = C.storyBounds();
    const first = b.first_day || b.first, last = b.last_day || b.last;
    if (!first) return null;
    const start = Date.parse(first), end = Date.parse(last);
    const pad = Math.max(DAY, (end - start) * 0.15);
    return { start: start - pad, end: end + pad + DAY };
  }

  const day = (ms) => new Date(ms).toISOString().slice(0, 10);

  // A permalink to a development opens the window on it, wherever it is in the story.
  async function permalinked() {
    const id = C.params().get("dev");
    if (!id) return null;
    try {
      const d = await C.api("/developments/" + encodeURIComponent(id), {}, false);
      const w = when(d.occurred), start = Date.parse(w.start), end = w.end ? Date.parse(w.end) : start + DAY;
      const home = initialWindow();
      if (home && start >= home.start && end <= home.end) return home;
      return { start: start - 3 * DAY, end: end + 3 * DAY };
    } catch (e) { return null; }
  }

  function publishers(entries) {
    if (publishersShown || !fill) return;
    publishersShown = true;
    const counts = new Map();
    for (const d of entries) for (const p of new Set(d.sources.map((x) => x.publisher))) counts.set(p, (counts.get(p) || 0) + 1);
    fill("f-source", [...counts].sort((a, b) => b[1] - a[1]).map(([p, n]) => [p, p + " (" + n + ")"]), filters().source);
  }

  // Tags and countries are offered as the developments in the window carry them (with their counts); a
  // filter with nothing to offer stays hidden unless the address already asks for it.
  function facets(entries) {
    const f = filters();
    const offer = (id, valuesOf, current) => {
      const counts = new Map();
      for (const d of entries) for (const v of new Set(valuesOf(d))) counts.set(v, (counts.get(v) || 0) + 1);
      if (current && !counts.has(current)) counts.set(current, 0);
      const select = document.getElementById(id);
      select.replaceChildren(C.el("option", { value: "", text: "any" }));
      for (const [v, n] of [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)))
        select.append(C.el("option", { value: v, text: v + " (" + n + ")" }));
      select.value = current;
      select.closest("label").hidden = counts.size === 0;
    };
    offer("f-tag", (d) => d.tags || [], f.tag);
    offer("f-country", (d) => (d.place && d.place.country ? [d.place.country] : []), f.country);
  }

  // Loads overlap (a filter changed while the last answer was on its way, the log grew): only the latest
  // one asked may draw, or an older answer arriving last would put back what the user just filtered out.
  let asking = 0;
  async function load() {
    const mine = ++asking;
    const f = filters();
    const view = timeline ? timeline.getWindow() : (await permalinked()) || initialWindow();
    const range = view ? { start: +view.start - (view.end - view.start), end: +view.end + (view.end - view.start) } : null;
    const all = await C.api("/log", { actor: f.actor, type: f.type, search: f.q, tag: f.tag, country: f.country, limit: LIMIT,
      since: range ? day(range.start) : "", until: range ? day(range.end) : "" });
    if (mine !== asking) return;
    fetched = range;
    // Too many to draw: how many there are in each stretch of the window, counted by the server.
    const crowded = all.length >= LIMIT && range ? await C.api("/log/density", { actor: f.actor, type: f.type,
      search: f.q, tag: f.tag, country: f.country, since: day(range.start), until: day(range.end), buckets: 90 }) : null;
    if (mine !== asking) return;
    publishers(all);
    facets(all);
    shown = all.filter((d) => (!f.source || d.sources.some((s) => s.publisher === f.source)) &&
      (!f.confidence || d.confidence === f.confidence));
    const dense = crowded && crowded.buckets && !f.source && !f.confidence ? crowded : null;
    document.getElementById("count").textContent = dense
      ? dense.total + " developments in this stretch: too many to draw one by one; click a column to zoom in"
      : shown.length + " developments in view" + (all.length >= LIMIT ? " (the first " + LIMIT + ": zoom in for the rest)" : "");
    if (dense) shown = [];
    const data = dense ? densityItems(dense) : shown.map(itemFor);
    if (!timeline) {
      items = new vis.DataSet(data);
      timeline = new vis.Timeline(document.getElementById("timeline"), items, {
        stack: true, zoomKey: "ctrlKey", margin: { item: { horizontal: 4, vertical: 6 } }, orientation: "top",
        cluster: { maxItems: 12, showStipes: true, fitOnDoubleClick: true, titleTemplate: "{count} developments: double-click to zoom in" },
        selectable: true, multiselect: false, xss: { disabled: false }, tooltip: { followMouse: false },
        zoomMin: DAY * 2, ...(view ? { start: view.start, end: view.end } : {}),
      });
      timeline.on("rangechanged", (p) => {
        if (p.byUser && fetched && (+p.start < fetched.start || +p.end > fetched.end)) load();
      });
      timeline.on("select", (props) => {
        const id = props.items[0] || null;
        if (id && id.startsWith("density:")) {  // zoom into that stretch, then ask for its developments
          const item = items.get(id);
          timeline.setWindow(item.start, item.end, { animation: false });
          load();
          return;
        }
        select(id, "timeline");
      });
    } else {
      items.clear(); items.add(data);
    }
    timeline.setOptions({ stack: !dense });  // the columns of counts side by side, on one row
    document.getElementById("timeline").dataset.items = shown.map((d) => d.id).join(" ");
    await mapReady;
    if (mine !== asking) return;
    StoryMap.setPoints(shown, select);
    document.getElementById("map").dataset.for = document.getElementById("timeline").dataset.items;  // drawn for this load
    const wanted = selected || C.params().get("dev");
    select(shown.some((d) => d.id === wanted) ? wanted : null, "load");
  }

  mapReady = StoryMap.init(document.getElementById("map")).catch((e) => C.flash("map: " + e.message));
  C.page(fillFilters);
  C.page(load);
  C.page(entities);
})();
