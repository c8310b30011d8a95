"use strict";
// An actor or negotiation: its state at the scrubber's point, who set each fact, its history, a diff.
(() => {
  const C = Chronicle;
  const main = document.getElementById("main");
  const base = "/" + main.dataset.kinds + "/" + encodeURIComponent(main.dataset.name);

  function blameDetail(line) {
    const box = C.clear(document.getElementById("blame"));
    box.hidden = false;
    box.dataset.field = line.field;
    const d = line.development;
    if (!d) { box.append(C.el("p", { text: line.field + ": the default; no development set it" })); return; }
    box.append(
      C.el("p", {}, C.el("b", { text: line.field }), " = " + C.show(line.value) + " ← ", C.devLink(d.id)),
      C.el("p", { class: "meta", text: d.summary }),
      C.el("p", { class: "meta", text: "occurred " + d.occurred + " · recorded " + d.recorded + " · " + d.confidence +
        " · sources: " + (d.sources.join(", ") || "none") +
        (line.corrected_by.length ? " · corrected by " + line.corrected_by.join(", ") : "") }),
    );
  }

  async function state() {
    const [view, blame] = await Promise.all([C.api(base), C.api(base + "/blame")]);
    document.getElementById("title").textContent = view.name || view.title || view.id;
    const body = C.clear(document.querySelector("#state tbody"));
    for (const line of blame) {
      const d = line.development;
      const who = d ? d.id + " (" + d.occurred + "; " + (d.sources.join(", ") || "no source") + ")" : "default";
      const value = C.el("td", { class: "value", tabindex: "0", title: "set by " + who, text: C.show(line.value) });
      value.addEventListener("click", () => blameDetail(line));
      value.addEventListener("mouseenter", () => blameDetail(line));
      value.addEventListener("focus", () => blameDetail(line));
      body.append(C.el("tr", { "data-field": line.field }, C.el("th", { text: line.field }), value,
        C.el("td", { class: "who" }, d ? C.devLink(d.id) : "–")));
    }
  }

  async function history() {
    const list = C.clear(document.getElementById("history"));
    let current = null, group = null;
    for (const change of await C.api(base + "/history")) {
      const d = change.development;
      if (d.id !== current) {
        current = d.id;
        group = C.el("ul");
        const mark = change.retracted_by ? " (retracted: not in effect)" : change.corrected_by.length ? " (corrected)" : "";
        list.append(C.el("li", {}, C.el("b", { text: d.occurred }), " ", C.devLink(d.id), mark,
          C.el("div", { class: "meta", text: d.summary + " · recorded " + d.recorded }), group));
      }
      group.append(C.el("li", { text: change.field + ": " + C.show(change.before) + " → " + C.show(change.after) }));
    }
  }

  document.getElementById("diff-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const out = C.clear(document.getElementById("diff"));
    try {
      const s = C.scrub();
      const body = await C.api(base + "/diff", { from: document.getElementById("diff-from").value,
        to: document.getElementById("diff-to").value, known_at: s.known_at }, false);
      if (!body.changes.length) out.append(C.el("p", { text: "no change" }));
      const table = C.el("table", { class: "facts" });
      for (const c of body.changes) table.append(C.el("tr", {}, C.el("th", { text: c.field }),
        C.el("td", { text: C.show(c.before) }), C.el("td", { text: "→ " + C.show(c.after) })));
      out.append(table);
      for (const [label, ids] of Object.entries(body.developments)) {
        if (ids.length) out.append(C.el("p", { class: "meta", text: "developments " + label + ": " + ids.join(", ") }));
      }
    } catch (e) { out.append(C.el("p", { class: "error", text: e.message })); }
  });

  C.page(state);
  C.page(history);
})();
