// The quarterly report form keeps what the user types.
//
// It asks before the user leaves with changes not yet saved, and saves a draft a few
// seconds after typing stops, through the same checks as "Save draft": a draft that
// cannot be saved as it stands (a value to correct, another person's save) is not
// saved, and the line under the form says why.
"use strict";

(function () {
  const form = document.querySelector("form[data-autosave-url]");
  if (!form) {
    return;
  }
  const status = document.getElementById("autosave-status");
  const version = form.querySelector("input[name='version']");
  const AUTOSAVE_AFTER_MS = 3000;
  let dirty = false;
  let timer = null;
  let submitting = false;
  let inflight = null;

  function say(message) {
    status.textContent = message;
  }

  async function autosave() {
    timer = null;
    if (!dirty || submitting) {
      return;
    }
    const data = new FormData(form);
    // Files go with a deliberate save, never in the background.
    data.delete("evidence");
    dirty = false;
    let answer;
    inflight = fetch(form.dataset.autosaveUrl, {
      method: "POST",
      body: data,
      headers: { "X-Requested-With": "XMLHttpRequest" },
      credentials: "same-origin",
    }).then(function (response) {
      return response.json();
    });
    try {
      answer = await inflight;
    } catch (error) {
      dirty = true;
      say(form.dataset.offlineMessage);
      return;
    } finally {
      inflight = null;
    }
    if (answer.saved) {
      version.value = answer.version;
    } else {
      dirty = true;
    }
    say(answer.message);
  }

  form.addEventListener("input", function () {
    dirty = true;
    window.clearTimeout(timer);
    timer = window.setTimeout(autosave, AUTOSAVE_AFTER_MS);
  });
  form.addEventListener("submit", function (event) {
    window.clearTimeout(timer);
    // A save by hand while a draft is on its way would carry the version before it and
    // meet the user's own draft as a conflict: send it once the draft is back.
    if (inflight && !submitting) {
      event.preventDefault();
      const button = event.submitter;
      inflight.finally(function () {
        submitting = true;
        form.requestSubmit(button);
      });
      return;
    }
    submitting = true;
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
