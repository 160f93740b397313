// Live capture: every statement is saved as it is typed, under a capture id that makes
// retries harmless; what the server has not confirmed yet stays in this browser.
(function () {
  "use strict";
  var form = document.getElementById("capture-form");
  if (!form) return;
  var session = form.getAttribute("data-session");
  var storeKey = "idm-capture-" + session;
  var text = document.getElementById("statement-text");
  var speaker = document.getElementById("speaker");
  var floor = document.getElementById("floor-fields");
  var status = document.getElementById("save-status");
  var kind = document.getElementById("statement-kind");
  var clientId = form.getAttribute("data-client-id");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var timer = null;
  var retry = null;

  function pending() {
    try { return JSON.parse(localStorage.getItem(storeKey)) || {}; } catch (e) { return {}; }
  }
  function keep(payload) {
    var all = pending();
    all[payload.client_id] = payload;
    localStorage.setItem(storeKey, JSON.stringify(all));
  }
  function forget(id) {
    var all = pending();
    delete all[id];
    localStorage.setItem(storeKey, JSON.stringify(all));
  }
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (c) {
      var r = Math.random() * 16 | 0;
      return (c === "x" ? r : (r & 0x3 | 0x8)).toString(16);
    });
  }
  function showFloor() {
    floor.hidden = speaker.value !== "floor";
    if (speaker.value === "floor") kind.value = "floor";
    else if (speaker.value === "note") kind.value = "note";
    else kind.value = "remarks";
  }
  function payload(complete) {
    var data = {
      client_id: clientId, text: text.value, complete: complete,
      language: document.getElementById("statement-language").value,
      kind: kind.value,
      attribution: document.getElementById("statement-attribution").value
    };
    if (speaker.value === "floor") {
      data.person = null;
      data.speaker_name = document.getElementById("speaker-name").value;
      data.speaker_organization = document.getElementById("speaker-organization").value;
      data.speaker_category = document.getElementById("speaker-category").value || null;
    } else if (speaker.value === "note") {
      data.person = null;
      data.speaker_name = "";
    } else {
      data.person = parseInt(speaker.value, 10);
    }
    return data;
  }
  function say(message) { status.textContent = message; }

  function send(data) {
    keep(data);
    say(form.getAttribute("data-saving"));
    return fetch(form.action, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(data)
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (!result.ok) {
        // The server refused the content (a missing speaker): keep it, say why.
        var errors = Object.values(result.body.errors || {}).flat().join(" ");
        say(form.getAttribute("data-invalid") + ": " + errors);
        return null;
      }
      if (result.body.complete) forget(data.client_id);
      else keep(data);
      say(form.getAttribute("data-saved"));
      return result.body;
    }).catch(function () {
      say(form.getAttribute("data-offline"));
      clearTimeout(retry);
      retry = setTimeout(flushPending, 5000);
      return null;
    });
  }

  function addToList(body, words) {
    var list = document.getElementById("captured");
    var item = document.getElementById("captured-" + body.id) || document.createElement("li");
    item.id = "captured-" + body.id;
    item.textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = body.speaker;
    item.appendChild(strong);
    item.appendChild(document.createTextNode(": " + words.slice(0, 200) + " "));
    var link = document.createElement("a");
    link.href = body.edit_url;
    link.textContent = form.getAttribute("data-edit");
    item.appendChild(link);
    list.appendChild(item);
  }

  function finish() {
    clearTimeout(timer);
    if (!text.value.trim()) return;
    var data = payload(true);
    send(data).then(function (body) {
      if (!body) return;
      addToList(body, data.text);
      clientId = newId();
      text.value = "";
      ["speaker-name", "speaker-organization"].forEach(function (id) {
        document.getElementById(id).value = "";
      });
      if (body.next_person) {
        speaker.value = String(body.next_person);
        showFloor();
      }
      text.focus();
    });
  }

  function flushPending() {
    var all = pending();
    Object.keys(all).forEach(function (id) {
      var data = all[id];
      if (data.complete) {
        send(data).then(function (body) { if (body) addToList(body, data.text); });
      } else if (id === clientId || !text.value) {
        // An unfinished statement comes back into the form, to be finished.
        clientId = id;
        text.value = data.text;
        send(data);
      }
    });
  }

  text.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { if (text.value.trim()) send(payload(false)); }, 700);
  });
  text.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      finish();
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    finish();
  });
  speaker.addEventListener("change", showFloor);
  window.addEventListener("online", flushPending);
  showFloor();
  flushPending();
  text.focus();
})();
