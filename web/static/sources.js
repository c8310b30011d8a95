"use strict";
// Publishers and how many developments each supports; those resting on one source or none.
(() => {
  const C = Chronicle;
  const SHOWN = 500; // of each list: a large story's single-source developments run to tens of thousands
  let report = null;

  // Says how many a list leaves out, and the command that gives them all.
  function more(ul, shown, count, command) {
    if (count > shown) ul.append(C.el("li", { class: "more", text: (count - shown).toLocaleString("en") + " more: " + command }));
  }

  function item(s) {
    return C.el("li", {}, C.el("b", { text: s.occurred }), " ", C.devLink(s.id), " (" + s.type + "; " +
      (s.sources.join(", ") || "no source") + ") " + s.summary);
  }

  async function drill(publisher, count) {
    const box = document.getElementById("drill");
    box.hidden = false;
    document.getElementById("drill-title").textContent = "Supported by " + publisher;
    const list = C.clear(document.getElementById("drill-list"));
    const found = await C.api("/log", { source: publisher, limit: SHOWN }, false);
    for (const d of found) list.append(item({ ...d, sources: d.sources.map((s) => s.publisher) }));
    more(list, found.length, count, "chronicle log --source " + JSON.stringify(publisher));
  }

  async function load() {
    report = await C.api("/sources", { limit: SHOWN }, false);
    document.getElementById("total").textContent = report.developments.toLocaleString("en") + " developments not retracted";
    const body = C.clear(document.querySelector("#publishers tbody"));
    for (const p of report.publishers) {
      const link = C.el("a", { href: "#", text: p.publisher });
      link.addEventListener("click", (e) => { e.preventDefault(); drill(p.publisher, p.developments); });
      body.append(C.el("tr", {}, C.el("th", {}, link), C.el("td", { text: p.developments.toLocaleString("en") })));
    }
    const lists = [["single", report.single_source, report.single_source_count], ["none", report.no_source, report.no_source_count]];
    for (const [id, list, count] of lists) {
      const ul = C.clear(document.getElementById(id));
      for (const s of list) ul.append(item(s));
      if (!list.length) ul.append(C.el("li", { text: "none" }));
      more(ul, list.length, count, "chronicle sources --json");
    }
  }
  C.page(load);
})();
