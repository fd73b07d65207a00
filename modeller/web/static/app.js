// Small enhancements of the modeller page (no build step; htmx does the updates).
// - marks inputs whose problem text is shown as aria-invalid, for screen readers;
// - says in the status line when the server could not answer (no alert boxes).
(function () {
  "use strict";
  function markInvalid() {
    document.querySelectorAll("p.problem[id^='problem-']").forEach(function (p) {
      var input = document.getElementById("in-" + p.id.slice("problem-".length));
      if (!input) { return; }
      if (p.textContent.trim()) { input.setAttribute("aria-invalid", "true"); }
      else { input.removeAttribute("aria-invalid"); }
    });
  }
  function say(text) {
    var status = document.getElementById("status");
    if (status) { status.textContent = text; }
  }
  document.addEventListener("htmx:afterSettle", markInvalid);
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
    var message = doc.querySelector(".message");
    say(message ? message.textContent : "The server could not do that (status " + xhr.status + ").");
  });
  document.addEventListener("htmx:sendError", function () {
    say("The server is not answering; is modeller serve still running?");
  });
})();
