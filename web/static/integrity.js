"use strict";
// The head of the hash chain, and `verify` on demand.
(() => {
  const C = Chronicle;
  async function head() {
    const h = await C.api("/head", {}, false);
    document.getElementById("head").textContent = h.position + ":" + h.hash;
  }
  document.getElementById("verify").addEventListener("click", async () => {
    const out = C.clear(document.getElementById("result"));
    out.append(C.el("p", { text: "verifying…" }));
    try {
      const r = await C.post("/verify");
      C.clear(out).dataset.ok = String(r.ok);
      out.append(C.el("p", { class: r.ok ? "ok" : "error", text: r.ok
        ? "OK: " + r.events + " events verified; views match the log; head " + r.head.position + ":" + r.head.hash
        : "FAILED: " + r.problems.length + " problem(s)" }));
      for (const p of r.problems) out.append(C.el("p", { class: "error", text: p }));
      out.append(C.el("p", { class: "meta", text: "checked " + new Date().toISOString() }));
    } catch (e) { C.clear(out).append(C.el("p", { class: "error", text: e.message })); }
  });
  C.page(head);
})();
