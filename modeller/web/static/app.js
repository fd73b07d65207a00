// Small enhancements of the modeller page (no build step; htmx does the updates).
// - marks inputs whose problem text is shown as aria-invalid, for screen readers;
// - says in the status line when the server could not answer (no alert boxes);
// - downloads: fetched and saved as the server's attachment, so a download the server
//   cannot make (inputs with problems, no workbook exporter) says why on this page
//   instead of replacing the page; without JavaScript the buttons post the form;
// - refuses a file over the upload limit before sending it, with the reason on the page.
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
  function messageOf(html, status) {
    var doc = new DOMParser().parseFromString(html || "", "text/html");
    var message = doc.querySelector(".message");
    return message ? message.textContent.trim()
                   : "The server could not do that (status " + status + ").";
  }
  document.addEventListener("htmx:afterSettle", markInvalid);
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    say(messageOf(xhr.responseText, xhr.status));
  });
  document.addEventListener("htmx:sendError", function () {
    say("The server is not answering; is modeller serve still running?");
  });

  // --- downloads ---------------------------------------------------------------------
  function fileName(disposition) {
    var match = /filename="([^"]+)"/.exec(disposition || "");
    return match ? match[1] : "download";
  }
  function save(blob, name) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
  }
  function downloadNote(text) {
    var note = document.getElementById("download-note");
    if (note) { note.textContent = text; }
  }
  function download(button) {
    var form = document.getElementById("model");
    if (!form.reportValidity()) { return; }   // the browser's range check, as a post does
    var label = button.textContent.trim();
    var body = new URLSearchParams(new FormData(form));
    button.setAttribute("aria-busy", "true");
    downloadNote("");
    say("Making " + label + "…");
    fetch(button.getAttribute("formaction"), {method: "POST", body: body,
                                              credentials: "same-origin"})
      .then(function (response) {
        if (!response.ok) {
          return response.text().then(function (html) {
            throw new Error(messageOf(html, response.status));
          });
        }
        var name = fileName(response.headers.get("Content-Disposition"));
        return response.blob().then(function (blob) {
          save(blob, name);
          say(label + " saved as " + name + ".");
        });
      })
      .catch(function (error) {
        var text = label + " was not made: " + error.message;
        downloadNote(text);
        say(text);
      })
      .finally(function () { button.removeAttribute("aria-busy"); });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#downloads button[formaction]");
    if (!button || button.disabled || !window.fetch) { return; }
    event.preventDefault();
    download(button);
  });

  // --- uploads -----------------------------------------------------------------------
  document.addEventListener("htmx:confirm", function (event) {
    if (event.target.id !== "upload") { return; }
    var input = document.getElementById("upload-file");
    var limit = Number(input.getAttribute("data-max-bytes"));
    var file = input.files && input.files[0];
    if (file && limit && file.size > limit) {
      event.preventDefault();   // not sent: the server would refuse it anyway
      var status = document.getElementById("upload-status");
      var p = document.createElement("p");
      p.className = "problem";
      p.textContent = file.name + " was not loaded: the file is larger than " +
        Math.floor(limit / 1024) + " KiB, the most an upload may be. The form still " +
        "holds the previous inputs.";
      status.replaceChildren(p);
      say(p.textContent);
    }
  });
})();
