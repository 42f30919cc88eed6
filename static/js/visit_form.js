// Visit form: pick the employer from the htmx search results, show only the fields the chosen
// outcome needs, and fill in the officer's location. Texts come from data-text-* attributes so they
// follow the page's language.
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  if (!form) return;
  var hidden = document.getElementById("id_employer");
  var selected = document.getElementById("employer-selected");
  var results = document.getElementById("employer-results");
  results.addEventListener("click", function (event) {
    var item = event.target.closest("[data-employer-id]");
    if (!item) return;
    event.preventDefault();
    hidden.value = item.dataset.employerId;
    selected.textContent = item.dataset.employerName;
    selected.classList.remove("d-none");
    results.innerHTML = "";
    document.getElementById("employer-search").value = "";
  });
  function toggle() {
    var outcome = form.elements.outcome.value;
    document.getElementById("wrap_workers_enrolled").hidden = outcome !== "enrolled";
    document.getElementById("wrap_promised_by").hidden = outcome !== "promised";
    document.getElementById("wrap_status_reason").hidden = !form.elements.new_status.value;
  }
  form.addEventListener("change", toggle);
  toggle();
  var button = document.getElementById("use-location");
  var status = document.getElementById("location-status");
  if (!("geolocation" in navigator)) { button.hidden = true; return; }
  button.addEventListener("click", function () {
    status.textContent = button.dataset.textSearching;
    navigator.geolocation.getCurrentPosition(function (position) {
      form.elements.latitude.value = position.coords.latitude.toFixed(6);
      form.elements.longitude.value = position.coords.longitude.toFixed(6);
      status.textContent = form.elements.latitude.value + ", " + form.elements.longitude.value;
    }, function () {
      status.textContent = button.dataset.textUnavailable;
    }, {timeout: 10000});
  });
})();
