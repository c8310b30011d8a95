(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("chronicle-data").textContent);
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function template(item) {
    if (!item) return el("span", "");
    var node = el("span", item.label || "", "dev-label");
    if (item.dev) node.setAttribute("data-dev", item.dev);
    if (item.tooltip) node.title = item.tooltip;
    return node;
  }
  function groupTemplate(group) {
    return el("span", group ? group.label : "", "group-label");
  }
  function show(id) {
    var panel = document.getElementById("details");
    var d = id ? data.details[id] : null;
    panel.replaceChildren();
    if (!d) { panel.hidden = true; return; }
    panel.hidden = false;
    panel.setAttribute("data-showing", id);
    panel.appendChild(el("h2", d.title));
    panel.appendChild(el("p", [d.date, d.type, d.confidence, d.id].filter(Boolean).join(" \u00b7 "), "meta"));
    d.flags.forEach(function (flag) { panel.appendChild(el("span", flag, "flag " + flag)); });
    if (d.group) panel.appendChild(el("p", d.group, "meta"));
    if (d.fields.length) {
      var dl = el("dl");
      d.fields.forEach(function (pair) { dl.appendChild(el("dt", pair[0])); dl.appendChild(el("dd", pair[1])); });
      panel.appendChild(dl);
    }
    if (d.revisions.length) {
      panel.appendChild(el("h3", "Corrections and retractions"));
      var rl = el("ul", null, "revisions");
      d.revisions.forEach(function (line) { rl.appendChild(el("li", line)); });
      panel.appendChild(rl);
    }
    if (d.type !== "deadline") {
      panel.appendChild(el("h3", "Sources"));
      var ul = el("ul", null, "sources");
      if (!d.sources.length) ul.appendChild(el("li", "No source given"));
      d.sources.forEach(function (s) {
        var li = el("li", null, "source");
        li.appendChild(el("strong", s.publisher));
        var rest = [s.title ? "\u201c" + s.title + "\u201d" : "", s.authors, s.published, s.text].filter(Boolean);
        if (rest.length) li.appendChild(document.createTextNode(": " + rest.join(", ")));
        if (s.url) {
          li.appendChild(document.createTextNode(" "));
          var a = el("a", s.url);
          a.href = s.url;
          a.rel = "noopener noreferrer nofollow";
          a.target = "_blank";
          li.appendChild(a);
        }
        ul.appendChild(li);
      });
      panel.appendChild(ul);
    }
  }
  // The filters, the search, the two sliders and the map: every answer is in the page, so it works offline.
  var facets = data.facets || {};
  var items = new vis.DataSet(data.items);
  var base = {};
  data.items.forEach(function (item) { base[item.id] = { label: item.label, className: item.className }; });
  var state = { actor: "", type: "", tag: "", country: "", words: [], asOf: "", knownAt: null };
  function known(iso) { return state.knownAt === null || Date.parse(iso) <= state.knownAt; }
  function passes(item) {
    var f = facets[item.dev];
    if (!f) return true;  // a phase or a deadline: the negotiations' context stays
    if (state.actor && f.actors.indexOf(state.actor) < 0) return false;
    if (state.type && f.type !== state.type) return false;
    if (state.tag && f.tags.indexOf(state.tag) < 0) return false;
    if (state.country && f.country !== state.country) return false;
    if (state.asOf && f.counts > state.asOf) return false;
    if (!known(f.reported)) return false;
    return state.words.every(function (w) { return f.text.indexOf(w) >= 0; });
  }
  // Known at a moment, a correction or retraction reported later is not yet applied: the label as first
  // recorded comes back, and the marks go.
  function relabel() {
    var changes = [];
    data.items.forEach(function (item) {
      var f = facets[item.dev];
      if (!f || (!f.corrections.length && !f.retraction)) return;
      var corrected = f.corrections.some(known);
      var pending = f.corrections.some(function (at) { return !known(at); });
      var label = pending && f.then ? f.then : base[item.id].label;
      var classes = base[item.id].className.split(" ").filter(function (c) {
        return (c !== "corrected" || corrected) && (c !== "retracted" || (f.retraction && known(f.retraction)));
      });
      changes.push({ id: item.id, label: label, className: classes.join(" ") });  // drawn by `template`, as text
    });
    if (changes.length) items.update(changes);
  }
  var view = new vis.DataView(items, { filter: passes });
  var timeline = new vis.Timeline(
    document.getElementById("timeline"),
    view,
    new vis.DataSet(data.groups),
    {
      start: data.window.start,
      end: data.window.end,
      stack: true,
      editable: false,
      selectable: true,
      multiselect: false,
      showCurrentTime: false,
      zoomKey: "ctrlKey",
      orientation: { axis: "top", item: "top" },
      groupOrder: "order",
      margin: { item: { horizontal: 4, vertical: 6 } },
      template: template,
      groupTemplate: groupTemplate,
      onInitialDrawComplete: function () { document.documentElement.setAttribute("data-ready", "1"); }
    }
  );
  var mapReady = null;
  function placed() {
    return view.get().filter(function (item) { return facets[item.dev]; }).map(function (item) {
      var f = facets[item.dev];
      return { id: item.dev, type: f.type, occurred: f.occurred, summary: f.summary, place: f.place, location: f.location };
    });
  }
  // Selected and brought into view at the present zoom (vis-timeline's `focus` zooms a point to milliseconds).
  function reveal(id) {
    timeline.setSelection(id ? [id] : []);
    var item = id ? items.get(id) : null;
    if (item) timeline.moveTo(item.start, { animation: false });
  }
  function select(id, from) {
    if (from === "map") reveal(id);
    show(id);
    if (mapReady) mapReady.then(function () { StoryMap.highlight(id); });
    if (id) history.replaceState(null, "", "#dev=" + encodeURIComponent(id));
  }
  function count() {
    var total = Object.keys(facets).length;
    var shown = view.getIds().filter(function (id) { return facets[id]; }).length;
    document.getElementById("shown-count").textContent = shown + " of " + total + " developments";
  }
  function fill(id, options) {
    var select = document.getElementById(id);
    options.forEach(function (pair) {
      var option = el("option", pair[1]);
      option.value = pair[0];
      select.appendChild(option);
    });
    select.closest("label").hidden = options.length === 0;
  }
  var choices = data.choices || { actors: [], types: [], tags: [], countries: [] };
  fill("f-actor", choices.actors);
  fill("f-type", choices.types.map(function (t) { return [t, t.replace(/_/g, " ")]; }));
  fill("f-tag", choices.tags.map(function (t) { return [t, t]; }));
  fill("f-country", choices.countries.map(function (c) { return [c, c]; }));
  function apply() {
    state.actor = document.getElementById("f-actor").value;
    state.type = document.getElementById("f-type").value;
    state.tag = document.getElementById("f-tag").value;
    state.country = document.getElementById("f-country").value;
    state.words = document.getElementById("f-text").value.toLowerCase().split(/\s+/).filter(Boolean);
    state.asOf = document.getElementById("f-as-of").value;
    var day = document.getElementById("f-known-at").value;
    state.knownAt = day ? Date.parse(day + "T23:59:59.999Z") : null;
    relabel();
    view.refresh();
    count();
    if (mapReady) mapReady.then(function () { StoryMap.setPoints(placed(), select); });
  }
  var form = document.getElementById("filters");
  form.addEventListener("input", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  timeline.on("select", function (props) { select(props.items.length ? props.items[0] : null, "timeline"); });
  count();
  var world = JSON.parse(document.getElementById("chronicle-world").textContent);
  mapReady = StoryMap.init(document.getElementById("map"), world).then(function () {
    StoryMap.setPoints(placed(), select);
    document.documentElement.setAttribute("data-map", "1");
  });
  var asked = /^#dev=(.+)$/.exec(location.hash);
  if (asked && facets[decodeURIComponent(asked[1])]) {
    var id = decodeURIComponent(asked[1]);
    reveal(id);
    select(id, "timeline");
  }
  window.chronicleTimeline = timeline;
})();
