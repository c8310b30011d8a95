"use strict";
// One development: as believed, as recorded, its revisions, what it touches; correct or retract it.
(() => {
  const C = Chronicle;
  const id = document.getElementById("main").dataset.id;

  function fields(dl, body) {
    C.clear(dl);
    for (const [k, v] of Object.entries(body)) {
      if (v === null || (Array.isArray(v) && !v.length)) continue;
      const shown = k === "sources" ? v.map((s) => [s.publisher, s.title, s.published].filter(Boolean).join(", ")).join("; ") : C.show(v);
      dl.append(C.el("dt", { text: k }), C.el("dd", { text: shown }));
    }
  }

  async function load() {
    const d = await C.api("/developments/" + encodeURIComponent(id), { known_at: C.scrub().known_at, recorded_at: C.scrub().recorded_at }, false);
    const believed = { ...d };
    for (const k of ["as_recorded", "revisions", "touches", "times", "summary_note"]) delete believed[k];
    if (d.summary_note) believed.summary = d.summary + " " + d.summary_note;
    fields(document.getElementById("believed"), believed);
    const t = d.times, from = { reported: "its reported field", published: "its earliest source's published date" };
    const times = C.clear(document.getElementById("times"));
    for (const [label, text] of [["occurred", t.occurred],
      ["reported", C.when(t.reported) + " (" + (from[t.reported_from] || "when recorded") + ")"],
      ["recorded", C.when(t.recorded) + (t.reported_after_recorded ? " (reported after this store recorded it)" : "")]]) {
      times.append(C.el("dt", { text: label }), C.el("dd", { text: text }));
    }
    fields(document.getElementById("recorded"), d.as_recorded);
    const revisions = C.clear(document.getElementById("revisions"));
    for (const r of d.revisions) revisions.append(C.el("li", {}, C.devLink(r.id), " " + r.type + " · recorded " + C.when(r.recorded) + " · " + r.summary));
    if (!d.revisions.length) revisions.append(C.el("li", { text: "none" }));
    const touches = C.clear(document.getElementById("touches"));
    for (const key of d.touches) touches.append(C.el("li", {}, C.entityLink(key)));
  }

  function wire(formId, build) {
    const form = document.getElementById(formId);
    if (!form) return;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const error = form.querySelector(".error");
      error.textContent = "";
      try {
        const values = Object.fromEntries(new FormData(form).entries());
        await C.post("/developments", build(values));
        form.reset();
        await C.refresh();
      } catch (e) { error.textContent = e.message; }
    });
  }

  const today = () => new Date().toISOString().slice(0, 10);
  const sources = (v) => (v.source ? [{ publisher: v.source }] : []);
  wire("correct", (v) => {
    let changes;
    try { changes = JSON.parse(v.changes); } catch (e) { throw new Error("changes: not a JSON object"); }
    return { type: "correction", occurred: today(), summary: v.summary, target: id, changes, reason: v.reason || null, sources: sources(v) };
  });
  wire("retract", (v) => ({ type: "retraction", occurred: today(), summary: v.summary, target: id, reason: v.reason }));
  C.page(load);
})();
