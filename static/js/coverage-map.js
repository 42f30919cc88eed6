// Coverage choropleth (Leaflet, no tile server): provinces on the national page, regencies/cities
// on a province page. Colour classes come from the page (coverage.picture.MAP_CLASSES) so the
// legend and the map always agree; above 100% is its own flagged class, never "covered".
(function () {
  "use strict";

  var OVER_100 = "#b2182b";
  var NO_DATA = "#d9d9d9";

  // Legend swatches get their colour here: no inline style attributes (Content Security Policy).
  document.querySelectorAll(".legend-swatch[data-colour]").forEach(function (swatch) {
    swatch.style.background = swatch.getAttribute("data-colour");
  });

  var mapElement = document.getElementById("coverage-map");
  if (!mapElement || typeof L === "undefined") return;
  var values = JSON.parse(document.getElementById("coverage-map-values").textContent);
  var legend = JSON.parse(document.getElementById("coverage-map-legend").textContent);
  var series = mapElement.getAttribute("data-series");
  var codeProperty = mapElement.getAttribute("data-code-property");
  var nameProperty = mapElement.getAttribute("data-name-property");
  var locale = mapElement.getAttribute("data-locale") || "id-ID";
  function label(name) { return mapElement.getAttribute("data-text-" + name) || ""; }
  function percent(value) {
    return value.toLocaleString(locale, { maximumFractionDigits: 2 }) + "%";
  }

  function shown(value) {
    if (!value) return null;
    return series === "official" ? value.official_pct : value.pct;
  }

  function colour(pct) {
    if (pct === null || pct === undefined) return NO_DATA;
    if (pct > 100) return OVER_100;
    for (var i = 0; i < legend.length; i++) {
      if (pct < legend[i].to) return legend[i].colour;
    }
    return legend[legend.length - 1].colour;
  }

  function tooltip(feature, value) {
    var text = value ? value.name : feature.properties[nameProperty];
    if (!value) return text;
    var parts = [];
    if (value.official_pct !== null && value.official_pct !== undefined) {
      parts.push(label("official") + " " + value.official_period + ": " +
        percent(value.official_pct) + (value.over_100 ? " (" + label("over") + ")" : ""));
    }
    parts.push(label("register") + ": " + (value.pct === null ? label("no-denominator")
      : percent(value.pct)) + (value.estimate ? " " + label("estimate") : "") +
      " · " + value.active.toLocaleString(locale) + " " + label("active"));
    return text + "<br>" + parts.join("<br>");
  }

  var map = L.map(mapElement, { zoomSnap: 0.25, attributionControl: true });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(mapElement.getAttribute("data-attribution"));
  fetch(mapElement.getAttribute("data-geojson-url"), { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(function (geojson) {
      var layer = L.geoJSON(geojson, {
        style: function (feature) {
          var value = values[feature.properties[codeProperty]];
          return { color: "#555", weight: 0.6, fillOpacity: 0.85, fillColor: colour(shown(value)) };
        },
        onEachFeature: function (feature, shape) {
          var value = values[feature.properties[codeProperty]];
          // Names come from our own reference data; escape anyway before Leaflet renders HTML.
          var div = document.createElement("div");
          div.textContent = tooltip(feature, value).split("<br>").join("\n");
          shape.bindTooltip(div.innerHTML.split("\n").join("<br>"), { sticky: true });
          if (value) shape.on("click", function () { window.location.href = value.url; });
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds());
    });
})();
