// A select whose options depend on another select (districts on the chosen regency): options
// carry data-regency, the select names its parent in data-depends-on.
(function () {
  function bind(child) {
    var parent = document.getElementById(child.dataset.dependsOn);
    if (!parent) return;
    var options = Array.prototype.slice.call(child.options);
    function filter() {
      var chosen = parent.value;
      options.forEach(function (option) {
        var fits = !option.value || !chosen || option.dataset.regency === chosen;
        option.hidden = !fits;
        option.disabled = !fits;
        if (!fits && option.selected) child.value = "";
      });
    }
    parent.addEventListener("change", filter);
    filter();
  }
  document.querySelectorAll("select[data-depends-on]").forEach(bind);
})();
