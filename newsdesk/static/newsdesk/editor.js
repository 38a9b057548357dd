// The article editor: live preview, autosave, and a copy in this browser so that an expired
// session or a lost connection never loses text. No framework; the page works without it.
(function () {
  "use strict";
  var form = document.getElementById("editor-form");
  if (!form) return;
  var preview = document.getElementById("preview-body");
  var status = form.querySelector(".autosave-status");
  var body = form.elements["body"];
  var key = form.dataset.draftKey;
  var fields = ["title", "lead", "body", "language", "kind", "section", "tags"];
  var dirty = false, saving = false, previewTimer = null;

  function token() { return form.elements["csrfmiddlewaretoken"].value; }
  function say(text) { if (status) status.textContent = text; }
  function snapshot() {
    var data = {};
    fields.forEach(function (name) { if (form.elements[name]) data[name] = form.elements[name].value; });
    return data;
  }

  function keepLocally() {
    try { localStorage.setItem(key, JSON.stringify({ at: Date.now(), data: snapshot() })); } catch (e) { /* full or disabled */ }
  }

  function offerRestore() {
    var saved;
    try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    if (!saved || !saved.data || saved.data.body === body.value) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary restore-button";
    button.textContent = form.dataset.restoreLabel || "Restore the text kept in this browser";
    button.addEventListener("click", function () {
      fields.forEach(function (name) {
        if (form.elements[name] && saved.data[name] !== undefined) form.elements[name].value = saved.data[name];
      });
      button.remove();
      dirty = true;
      renderPreview();
    });
    form.insertBefore(button, form.firstChild);
  }

  function renderPreview() {
    if (!preview) return;
    var data = new FormData();
    data.append("body", body.value);
    fetch(form.dataset.previewUrl, { method: "POST", body: data, headers: { "X-CSRFToken": token() }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      // The server renders with the same sanitiser as the public page.
      .then(function (html) { if (html !== null) preview.innerHTML = html; })
      .catch(function () {});
  }

  function autosave() {
    if (!dirty || saving) return;
    if (!form.elements["title"].value.trim() || !body.value.trim()) return;
    saving = true;
    var data = new FormData();
    fields.forEach(function (name) { if (form.elements[name]) data.append(name, form.elements[name].value); });
    fetch(form.dataset.autosaveUrl, { method: "POST", body: data, headers: { "X-CSRFToken": token() }, credentials: "same-origin" })
      .then(function (r) {
        if (r.redirected || r.status === 403) { say(form.dataset.sessionLabel || "Not saved: please log in again (your text is kept in this browser)."); return null; }
        return r.json();
      })
      .then(function (result) {
        if (!result) return;
        if (result.saved) {
          dirty = false;
          say((form.dataset.savedLabel || "Saved") + " " + new Date().toLocaleTimeString());
          if (result.autosave_url && form.dataset.autosaveUrl !== result.autosave_url) {
            form.dataset.autosaveUrl = result.autosave_url;
            form.action = result.edit_url;
            history.replaceState(null, "", result.edit_url);
            // The browser copy of a new article moves to the article's own key.
            var newKey = key.replace(/-new$/, "-" + result.id);
            try {
              var kept = localStorage.getItem(key);
              if (kept !== null) localStorage.setItem(newKey, kept);
              localStorage.removeItem(key);
            } catch (e) { /* storage disabled */ }
            key = form.dataset.draftKey = newKey;
          }
        } else {
          say(form.dataset.notSavedLabel || "Not saved yet: see the marked fields.");
        }
      })
      .catch(function () { say(form.dataset.offlineLabel || "Offline: your text is kept in this browser."); })
      .finally(function () { saving = false; });
  }

  form.addEventListener("input", function () {
    dirty = true;
    keepLocally();
    clearTimeout(previewTimer);
    previewTimer = setTimeout(renderPreview, 500);
  });
  form.addEventListener("submit", keepLocally);
  offerRestore();
  setInterval(autosave, 5000);
})();
