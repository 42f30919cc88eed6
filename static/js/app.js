// Behaviour shared by every page. The Content-Security-Policy forbids inline scripts, event
// handler attributes and style attributes, so templates describe behaviour with data-* attributes
// and this file wires it up.
(function () {
  "use strict";

  // <select data-autosubmit>: choosing an option submits its form (language, period pickers).
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.submit();
  });

  // <button data-action="print">: prints the page (coverage dashboards for board meetings).
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-action=print]")) window.print();
  });

  // data-progress-width="42": bar widths, set through the CSSOM (allowed) rather than a style
  // attribute (blocked). htmx.onLoad runs for the first page and for every swapped fragment.
  function applyWidths(root) {
    root.querySelectorAll("[data-progress-width]").forEach(function (bar) {
      var value = Number(bar.getAttribute("data-progress-width"));
      bar.style.width = (isNaN(value) ? 0 : Math.max(0, Math.min(100, value))) + "%";
    });
  }
  if (window.htmx) {
    window.htmx.onLoad(applyWidths);
  } else {
    applyWidths(document);
  }
})();
