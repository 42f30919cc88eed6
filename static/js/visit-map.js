// Where the employer's visits were logged (GPS saved with the visit), on a small Leaflet map:
// the province outline from the app's own GeoJSON (no tile server needed), a marker per visit.
(function () {
  var element = document.getElementById("visit-map");
  var data = document.getElementById("visit-points");
  if (!element || !data || typeof L === "undefined") return;
  var points = JSON.parse(data.textContent);
  if (!points.length) return;
  var map = L.map(element, {scrollWheelZoom: false, attributionControl: true});
  if (element.dataset.tiles) {
    L.tileLayer(element.dataset.tiles, {maxZoom: 18, attribution: element.dataset.tilesAttribution || ""}).addTo(map);
  }
  var markers = points.map(function (point) {
    return L.circleMarker([point.lat, point.lng], {radius: 7, color: "#0b6e4f", fillOpacity: 0.8})
      .bindTooltip(point.on)
      .addTo(map);
  });
  var group = L.featureGroup(markers);
  map.fitBounds(group.getBounds().pad(0.5), {maxZoom: 15});
  if (element.dataset.outline && element.dataset.province) {
    fetch(element.dataset.outline, {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (geojson) {
        if (!geojson) return;
        var outline = L.geoJSON(geojson, {
          filter: function (feature) { return feature.properties.KODE_PROV === element.dataset.province; },
          style: {color: "#6c757d", weight: 1, fillOpacity: 0.05},
          interactive: false,
        }).addTo(map);
        // Without map tiles a lone dot says little: show it within its province.
        if (!element.dataset.tiles && outline.getLayers().length) {
          map.fitBounds(outline.getBounds().extend(group.getBounds()));
        }
        element.dataset.outlined = "true";
      });
  }
  element.dataset.ready = "true";
})();
