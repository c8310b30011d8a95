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
  var timeline = new vis.Timeline(
    document.getElementById("timeline"),
    new vis.DataSet(data.items),
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
  timeline.on("select", function (props) { show(props.items.length ? props.items[0] : null); });
  window.chronicleTimeline = timeline;
})();
