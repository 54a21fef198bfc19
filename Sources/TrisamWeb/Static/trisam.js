// Live update without reload, shared by every web front (the dashboard's queue, a workspace's
// inbox): ask /live.json every few seconds whether something changed; when so, fetch this page
// again and swap in the section marked data-live.
(function () {
  "use strict";
  var section = document.querySelector("[data-live]");
  var status = document.getElementById("live-status");
  if (!section || !window.fetch || !window.DOMParser) { return; }
  var marker = section.getAttribute("data-marker");
  var interval = parseInt(section.getAttribute("data-interval"), 10) || 5000;

  function say(text) { if (status) { status.textContent = text; } }
  // The Swedish texts come from the page (each front's Swedish texts), with {tid} and {antal} to fill in.
  function text(name, values) {
    var template = (status && status.getAttribute("data-" + name)) || "";
    return template.replace("{tid}", (values && values.time) || "").replace("{antal}", values && values.open !== undefined ? values.open : "");
  }

  function refresh(data) {
    return fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-live]");
        if (!fresh) { return; }
        section.replaceWith(fresh);
        section = fresh;
        section.classList.add("highlight");
        marker = fresh.getAttribute("data-marker");
        say(text("updated", data));
      });
  }

  function poll() {
    fetch("/live.json", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (response.status === 401) { say(text("logged-out")); return null; }
        return response.json();
      })
      .then(function (data) {
        if (!data) { return; }
        if (data.marker !== marker) { return refresh(data); }
        say(text("checked", data));
      })
      .catch(function () { say(text("failed")); })
      .then(function () { window.setTimeout(poll, interval); });
  }
  window.setTimeout(poll, interval);
})();
