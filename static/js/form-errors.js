// After a failed submit the page reloads at the top: the error summary is there, and focus moves
// to the first invalid field so a phone user lands where the problem is.
(function () {
  if (window.formErrorsReady) return;
  window.formErrorsReady = true;

  function target(id) {
    // A hidden field (the employer chosen by search) is fixed through the input that fills it.
    return document.querySelector('[data-error-for="' + id + '"]') || document.getElementById(id);
  }

  function visible(element) {
    return element && element.type !== "hidden" && element.getClientRects().length > 0;
  }

  function firstInvalid() {
    var fields = document.querySelectorAll(".is-invalid, [aria-invalid=true]");
    for (var i = 0; i < fields.length; i++) {
      if (visible(fields[i])) return fields[i];
    }
    return null;
  }

  function ready() {
    document.querySelectorAll("[data-error-link]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var field = target(link.getAttribute("href").slice(1));
        if (!visible(field)) return;
        event.preventDefault();
        field.focus();
        field.scrollIntoView({block: "center"});
      });
    });
    var field = firstInvalid();
    if (field) {
      field.focus();
      field.scrollIntoView({block: "center"});
    } else {
      var summary = document.querySelector("[data-error-summary]");
      if (summary) summary.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
