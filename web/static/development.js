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
    const d = await C.api("/developments/" + encodeURIComponent(id), { known_at: C.scrub().known_at }, false);
    const believed = { ...d };
    for (const k of ["as_recorded", "revisions", "touches"]) delete believed[k];
    fields(document.getElementById("believed"), believed);
    fields(document.getElementById("recorded"), d.as_recorded);
    const revisions = C.clear(document.getElementById("revisions"));
    for (const r of d.revisions) revisions.append(C.el("li", {}, C.devLink(r.id), " " + r.type + " · recorded " + r.recorded + " · " + r.summary));
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
