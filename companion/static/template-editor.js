// Message template editor: a live preview while the admin types, and placeholders inserted with a click.
// The page works without this file: the "Preview" button posts the form and the server renders the preview.
// Every text shown comes from the page or the server, in the page's language.
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview-url]");
  var region = document.querySelector("[data-preview-region]");
  if (!form || !region || !window.fetch || !window.URLSearchParams) {
    return;
  }
  var FIELDS = ["title", "body", "username"];
  var PAUSE_MS = 300; // after this pause in typing the preview is asked for, not on every key
  var body = form.elements.namedItem("body");
  var token = form.elements.namedItem("csrf_token").value;
  var heading = region.querySelector("[data-preview-heading]");
  var status = region.querySelector("[data-preview-status]");
  var message = region.querySelector("[data-preview-message]");
  var timer = null;
  var asked = 0; // only the answer to the latest question is shown; slower earlier ones are dropped
  var running = null;

  function showFieldErrors(errors, details) {
    FIELDS.forEach(function (name) {
      var box = form.querySelector('[data-error-for="' + name + '"]');
      var field = form.elements.namedItem(name);
      var text = errors[name] || "";
      box.querySelector(".message").textContent = text;
      var detail = box.querySelector(".detail");
      detail.querySelector("code").textContent = details[name] || "";
      detail.hidden = !details[name];
      box.hidden = !text;
      if (text) {
        field.setAttribute("aria-invalid", "true");
      } else {
        field.removeAttribute("aria-invalid");
      }
    });
  }

  function showStatus(text, isError) {
    status.textContent = text;
    status.hidden = !text;
    status.classList.toggle("error", Boolean(isError));
    // The last good preview stays visible, dimmed, while the entered text does not render.
    message.classList.toggle("stale", Boolean(isError));
  }

  function showPreview(answer) {
    showFieldErrors({}, {});
    showStatus("", false);
    heading.textContent = answer.heading;
    message.querySelector("[data-preview-title]").textContent = answer.title;
    message.querySelector("[data-preview-body]").textContent = answer.body;
    message.hidden = false;
  }

  function showProblem(answer) {
    var errors = answer.errors || {};
    showFieldErrors(errors, answer.details || {});
    var first = FIELDS.map(function (name) { return errors[name]; }).filter(Boolean)[0];
    showStatus(first || answer.error || form.dataset.previewFailed, true);
  }

  function ask() {
    asked += 1;
    var number = asked;
    if (running) {
      running.abort();
    }
    running = window.AbortController ? new AbortController() : null;
    var fields = new URLSearchParams();
    FIELDS.forEach(function (name) {
      fields.append(name, form.elements.namedItem(name).value);
    });
    window.fetch(form.dataset.previewUrl, {
      method: "POST",
      body: fields,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token },
      signal: running ? running.signal : undefined
    })
      .then(function (response) {
        return response.json().then(
          function (answer) { return { ok: response.ok, answer: answer }; },
          function () { return { ok: false, answer: {} }; }
        );
      })
      .then(function (result) {
        if (number !== asked) {
          return;
        }
        if (result.ok) {
          showPreview(result.answer);
        } else {
          showProblem(result.answer);
        }
      })
      .catch(function () {
        if (number === asked) {
          showProblem({});
        }
      });
  }

  function askSoon() {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, PAUSE_MS);
  }

  function insertAtCursor(text) {
    var start = body.selectionStart;
    var end = body.selectionEnd;
    body.setRangeText(text, start, end, "end");
    body.focus();
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }

  form.addEventListener("input", function (event) {
    if (FIELDS.indexOf(event.target.name) !== -1) {
      askSoon();
    }
  });

  // The placeholders are plain code without this file; with it each becomes a button.
  Array.prototype.forEach.call(form.querySelectorAll("code[data-insert]"), function (code) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "placeholder";
    code.parentNode.replaceChild(button, code);
    button.appendChild(code);
    button.addEventListener("click", function () {
      insertAtCursor(code.dataset.insert);
    });
  });
  var hint = form.querySelector("[data-placeholders-hint]");
  if (hint) {
    hint.hidden = false;
  }
  ask();
})();
