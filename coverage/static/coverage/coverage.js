// Coverage dashboards: sortable tables (the choropleth lives in static/js/coverage-map.js).
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
})();
