"use strict";
// The map of the workspace's story page and of the exported page: country outlines from world-atlas (no
// tile server), and a point per development with a place. A place is the development's own `place`
// {lat, lon} if it has one, else a known city or country named in its `location`; developments with
// neither stay off the map.
const StoryMap = (() => {
  const CITIES = {
    baghdad: [33.315, 44.366], erbil: [36.191, 44.009], mosul: [36.34, 43.13], basra: [30.508, 47.783],
    kirkuk: [35.468, 44.392], fallujah: [33.353, 43.783], "al-asad": [33.786, 42.441], najaf: [32.0, 44.33],
    damascus: [33.513, 36.292], aleppo: [36.202, 37.134], "deir ez-zor": [35.336, 40.14], tehran: [35.689, 51.389],
    beirut: [33.894, 35.502], amman: [31.953, 35.91], jerusalem: [31.778, 35.235], gaza: [31.5, 34.467],
    "tel aviv": [32.085, 34.781], sanaa: [15.369, 44.191], aden: [12.8, 45.03], riyadh: [24.713, 46.675],
    ankara: [39.933, 32.86], cairo: [30.044, 31.236], kabul: [34.555, 69.207], kyiv: [50.45, 30.524],
    moscow: [55.756, 37.617], washington: [38.895, -77.036], london: [51.507, -0.128], paris: [48.857, 2.352],
  };
  let map = null, container = null, countries = [], layer = null, markers = new Map(), onSelect = null;

  function largestBounds(feature) {
    const geometry = feature.geometry;
    const polygons = geometry.type === "MultiPolygon" ? geometry.coordinates : [geometry.coordinates];
    let best = null, size = -1;
    for (const polygon of polygons) {
      const ring = polygon[0];
      if (ring.length > size) { size = ring.length; best = ring; }
    }
    return L.latLngBounds(best.map(([lon, lat]) => [lat, lon]));
  }

  // `world`: the outlines' TopoJSON, when the page carries it (an exported page has no server to ask).
  async function init(element, world) {
    container = element;
    map = L.map(container, { worldCopyJump: false, zoomSnap: 0.25, attributionControl: true, minZoom: 1 });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Outlines: Natural Earth via world-atlas");
    if (!world) {
      const response = await fetch("/static/exports/vendor/world-atlas/countries-110m.json", { credentials: "same-origin" });
      world = await response.json();
    }
    const features = topojson.feature(world, world.objects.countries).features;
    countries = features.map((f) => ({ name: (f.properties.name || "").toLowerCase(), center: largestBounds(f).getCenter() }));
    countries.sort((a, b) => b.name.length - a.name.length);
    L.geoJSON(features, { style: () => ({ className: "country", weight: 0.6 }), interactive: false }).addTo(map);
    map.setView([30, 30], 2);
    layer = L.layerGroup().addTo(map);
  }

  function placeOf(d) {
    const place = d.place;
    if (place && typeof place.lat === "number" && typeof place.lon === "number") return [place.lat, place.lon];
    const where = (typeof place === "string" ? place : d.location || "").toLowerCase();
    if (!where) return null;
    for (const [name, at] of Object.entries(CITIES)) if (where.includes(name)) return at;
    for (const c of countries) if (c.name && where.includes(c.name)) return [c.center.lat, c.center.lng];
    return null;
  }

  function setPoints(entries, select) {
    onSelect = select;
    layer.clearLayers();
    markers = new Map();
    const placed = [];
    for (const d of entries) {
      const at = placeOf(d);
      if (!at) continue;
      const marker = L.circleMarker(at, { radius: 7, className: "point t-" + d.type, weight: 2 });
      const label = document.createElement("span");
      label.textContent = d.occurred + " · " + d.summary;  // text, never markup
      marker.bindTooltip(label, { direction: "top" });
      marker.on("click", () => onSelect && onSelect(d.id, "map"));
      marker.addTo(layer);
      const drawn = marker.getElement();
      if (drawn) drawn.dataset.id = d.id;  // so a point can be found by its development
      markers.set(d.id, marker);
      placed.push(at);
    }
    if (placed.length) map.fitBounds(L.latLngBounds(placed).pad(0.8), { maxZoom: 5 });
    container.dataset.points = String(placed.length);
    return placed.length;
  }

  function highlight(id) {
    for (const [key, marker] of markers) {
      const on = key === id;
      marker.setStyle({ radius: on ? 11 : 7 });
      const path = marker.getElement && marker.getElement();
      if (path) path.classList.toggle("selected", on);
      if (on) marker.bringToFront();
    }
  }

  function markerIds() { return [...markers.keys()]; }
  function click(id) { const m = markers.get(id); if (m) m.fire("click"); }

  return { init, setPoints, highlight, markerIds, click };
})();
