"use strict";
// Publishers and how many developments each supports; those resting on one source or none.
(() => {
  const C = Chronicle;
  let report = null;

  function item(s) {
    return C.el("li", {}, C.el("b", { text: s.occurred }), " ", C.devLink(s.id), " (" + s.type + "; " +
      (s.sources.join(", ") || "no source") + ") " + s.summary);
  }

  async function drill(publisher) {
    const box = document.getElementById("drill");
    box.hidden = false;
    document.getElementById("drill-title").textContent = "Supported by " + publisher;
    const list = C.clear(document.getElementById("drill-list"));
    for (const d of await C.api("/log")) {
      if (d.sources.some((s) => s.publisher === publisher)) list.append(item({ ...d, sources: d.sources.map((s) => s.publisher) }));
    }
  }

  async function load() {
    report = await C.api("/sources", {}, false);
    document.getElementById("total").textContent = report.developments + " developments not retracted";
    const body = C.clear(document.querySelector("#publishers tbody"));
    for (const p of report.publishers) {
      const link = C.el("a", { href: "#", text: p.publisher });
      link.addEventListener("click", (e) => { e.preventDefault(); drill(p.publisher); });
      body.append(C.el("tr", {}, C.el("th", {}, link), C.el("td", { text: String(p.developments) })));
    }
    for (const [id, list] of [["single", report.single_source], ["none", report.no_source]]) {
      const ul = C.clear(document.getElementById(id));
      for (const s of list) ul.append(item(s));
      if (!list.length) ul.append(C.el("li", { text: "none" }));
    }
  }
  C.page(load);
})();
