// Coverage dashboards: sortable tables and the province choropleth (Leaflet, no tile server).
(function () {
  "use strict";

  function sortValue(cell) {
    var raw = cell.getAttribute("data-sort");
    if (raw === null || raw === "") return null;
    var number = Number(raw);
    return isNaN(number) ? raw.toLowerCase() : number;
  }

  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (header, index) {
      header.querySelector("button").addEventListener("click", function () {
        var ascending = header.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("thead th").forEach(function (th) { th.setAttribute("aria-sort", "none"); });
        header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = sortValue(a.cells[index]), y = sortValue(b.cells[index]);
          if (x === y) return 0;
          if (x === null) return 1;  // empty values last, whatever the direction
          if (y === null) return -1;
          return (x < y ? -1 : 1) * (ascending ? 1 : -1);
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });

  var mapElement = document.getElementById("coverage-map");
  if (!mapElement || typeof L === "undefined") return;
  var values = JSON.parse(document.getElementById("coverage-map-values").textContent);

  function colour(pct) {
    if (pct === null || pct === undefined) return "#d9d9d9";
    if (pct >= 60) return "#006d2c";
    if (pct >= 40) return "#31a354";
    if (pct >= 20) return "#74c476";
    if (pct >= 10) return "#bae4b3";
    return "#edf8e9";
  }

  // Words come from the template so they follow the page's language.
  var locale = mapElement.getAttribute("data-locale") || "id-ID";
  function label(name) { return mapElement.getAttribute("data-text-" + name) || ""; }

  var map = L.map(mapElement, { zoomSnap: 0.25, attributionControl: true });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(mapElement.getAttribute("data-attribution"));
  fetch(mapElement.getAttribute("data-geojson-url"), { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(function (geojson) {
      var layer = L.geoJSON(geojson, {
        style: function (feature) {
          var value = values[feature.properties.KODE_PROV] || {};
          return { color: "#555", weight: 0.6, fillOpacity: 0.85, fillColor: colour(value.pct) };
        },
        onEachFeature: function (feature, shape) {
          var value = values[feature.properties.KODE_PROV];
          var text = feature.properties.PROVINSI;
          if (value) {
            text = value.name + ": " + (value.pct === null ? label("no-denominator")
              : value.pct.toLocaleString(locale, { maximumFractionDigits: 2 }) + "%") +
              (value.estimate ? " " + label("estimate") : "") +
              " · " + value.active.toLocaleString(locale) + " " + label("active");
            shape.on("click", function () { window.location.href = value.url; });
          }
          shape.bindTooltip(text, { sticky: true });
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds());
    });
})();
