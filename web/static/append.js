"use strict";
// A form per development type, drawn from the models' descriptions (/api/forms); errors beside the field.
(() => {
  const C = Chronicle;
  const form = document.getElementById("append");
  let forms = null;

  function input(f) {
    const attrs = { name: f.name, id: "in-" + f.name, required: f.required ? "required" : null };
    if (f.input === "choice") {
      const select = C.el("select", attrs);
      for (const c of f.choices) select.append(C.el("option", { value: c, text: c }));
      if (f.default) select.value = f.default;
      return select;
    }
    if (f.input === "long") return C.el("textarea", { ...attrs, rows: "2" });
    const placeholder = { date: "YYYY-MM-DD, YYYY-MM or YYYY", list: "comma-separated", sources: "publishers, comma-separated",
      json: "JSON", number: "a number" }[f.input] || f.help || null;
    return C.el("input", { ...attrs, type: "text", placeholder });
  }

  function draw(kind) {
    const spec = forms[kind];
    document.getElementById("type-help").textContent = spec.help;
    const box = C.clear(document.getElementById("fields"));
    for (const f of spec.fields) {
      box.append(C.el("div", { class: "field", "data-field": f.name },
        C.el("label", { for: "in-" + f.name, text: f.name.replace(/_/g, " ") + (f.required ? " *" : "") }),
        input(f), C.el("span", { class: "error", "data-for": f.name, id: "err-" + f.name })));
    }
    C.setParams({ type: kind });
  }

  function body(kind) {
    const out = { type: kind };
    for (const f of forms[kind].fields) {
      const raw = (form.elements[f.name].value || "").trim();
      if (raw === "") continue;
      if (f.input === "number") out[f.name] = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;  // the server says what is wrong
      else if (f.input === "list") out[f.name] = raw.split(",").map((x) => x.trim()).filter(Boolean);
      else if (f.input === "sources") out[f.name] = raw.split(",").map((x) => ({ publisher: x.trim() })).filter((s) => s.publisher);
      else if (f.input === "json") { try { out[f.name] = JSON.parse(raw); } catch (e) { throw Object.assign(new Error(f.name + ": not valid JSON"), { local: true }); } }
      else out[f.name] = raw;
    }
    return out;
  }

  function showError(message) {
    const field = message.split(":")[0].split(".")[0].split("[")[0].trim();
    const beside = document.getElementById("err-" + field);
    (beside || document.getElementById("form-error")).textContent = message;
    if (beside) beside.closest(".field").classList.add("bad");
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const e of form.querySelectorAll(".error")) e.textContent = "";
    for (const e of form.querySelectorAll(".bad")) e.classList.remove("bad");
    document.getElementById("recorded").textContent = "";
    const kind = document.getElementById("dev-type").value;
    try {
      const made = await C.post("/developments", body(kind));
      const ids = made.recorded.concat(made.unchanged);
      document.getElementById("recorded").textContent = "recorded " + ids.join(", ") + (made.notes.length ? " (" + made.notes.join("; ") + ")" : "");
    } catch (e) { showError(e.message); }
  });

  async function load() {
    if (forms) return;
    forms = await C.api("/forms", {}, false);
    const select = document.getElementById("dev-type");
    for (const kind of Object.keys(forms)) select.append(C.el("option", { value: kind, text: kind.replace(/_/g, " ") }));
    const wanted = C.params().get("type");
    select.value = wanted && forms[wanted] ? wanted : "figure_reported";
    select.addEventListener("change", () => draw(select.value));
    draw(select.value);
  }
  C.page(load);
})();
