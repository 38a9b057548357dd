// The progress page of a newsletter send: while the issue is scheduled or sending, asks the server
// for the counts every 2 seconds until it is sent. No framework; without it the page shows the
// counts it was loaded with.
(function () {
  "use strict";
  var box = document.getElementById("send-progress");
  if (!box || !box.dataset.url || box.dataset.active !== "1") return;
  var bar = box.querySelector("progress");
  var INTERVAL = 2000;

  function show(data) {
    Array.prototype.forEach.call(box.querySelectorAll("[data-field]"), function (el) {
      var value = data[el.dataset.field];
      if (value !== undefined && value !== null) el.textContent = String(value);
    });
    if (bar) {
      bar.max = Math.max(data.total || 0, 1);
      bar.value = (data.sent || 0) + (data.failed || 0);
    }
  }

  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data) show(data);
        var active = !data || data.status === "scheduled" || data.status === "sending";
        if (active) window.setTimeout(poll, INTERVAL);
      })
      .catch(function () { window.setTimeout(poll, INTERVAL); });
  }

  window.setTimeout(poll, INTERVAL);
})();
