// Live update without reload, shared by every web front (the dashboard's queue, a workspace's
// inbox): ask /live.json every few seconds whether something changed; when so, fetch this page
// again and swap in the parts marked data-live-part (or the section marked data-live); rows with
// an id not on the page when it was loaded get the badge "Ny", and the tab's title tells how many.
(function () {
  "use strict";
  var section = document.querySelector("[data-live]");
  var status = document.getElementById("live-status");
  if (!section || !window.fetch || !window.DOMParser) { return; }
  var marker = section.getAttribute("data-marker");
  var interval = parseInt(section.getAttribute("data-interval"), 10) || 5000;
  var baseTitle = document.title;
  var seen = {};
  function flagsOf(row) { return (row.getAttribute("data-flags") || "").split(" ").filter(Boolean); }
  Array.prototype.forEach.call(section.querySelectorAll("tr[data-person]"), function (row) {
    flagsOf(row).forEach(function (id) { seen[id] = true; });
  });

  function attribute(name) { return (status && status.getAttribute("data-" + name)) || ""; }
  function say(text) { if (status) { status.textContent = text; } }
  // The Swedish texts come from the page (each front's Swedish texts), with {tid} and {antal} to fill in.
  function text(name, values) {
    return attribute(name).replace("{tid}", (values && values.time) || "").replace("{antal}", values && values.open !== undefined ? values.open : "");
  }

  // Marks the rows with a flag not seen at load; returns how many rows are new.
  function markNew() {
    var count = 0;
    Array.prototype.forEach.call(section.querySelectorAll("tr[data-person]"), function (row) {
      var fresh = flagsOf(row).some(function (id) { return !seen[id]; });
      if (!fresh) { return; }
      count += 1;
      row.classList.add("new");
      var link = row.querySelector("td a");
      if (link && !row.querySelector(".badge.new")) {
        var badge = document.createElement("span");
        badge.className = "badge new";
        badge.textContent = attribute("new-badge");
        link.parentNode.insertBefore(badge, link.nextSibling);
      }
    });
    document.title = count > 0 ? attribute("new-title").replace("{antal}", count) + baseTitle : baseTitle;
    return count;
  }

  function refresh(data) {
    return fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var freshSection = fresh.querySelector("[data-live]");
        if (!freshSection) { return; }
        Array.prototype.forEach.call(document.querySelectorAll("[data-live-part]"), function (part) {
          var replacement = part.id && fresh.getElementById(part.id);
          if (replacement && replacement !== freshSection) { part.replaceWith(replacement); }
        });
        section.replaceWith(freshSection);
        section = freshSection;
        marker = freshSection.getAttribute("data-marker");
        if (markNew() > 0) { section.classList.add("highlight"); }
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
