// The quarterly report form keeps what the user types.
//
// It asks before the user leaves with changes not yet saved, and saves a draft a few
// seconds after typing stops, through the same checks as "Save draft": a draft that
// cannot be saved as it stands (a value to correct, another person's save) is not
// saved, and the line under the form says why.
//
// What is typed is never lost to an ended session: before each save the values are kept
// in this browser (localStorage, per user and report), and put back, with a notice, when
// the form opens again without them having been saved: after the login page a save
// sent from an ended session leads to. A save that went through shows the same values
// (or a later version by this user), and the kept copy is dropped.
"use strict";

(function () {
  const form = document.querySelector("form[data-autosave-url]");
  if (!form) {
    return;
  }
  const status = document.getElementById("autosave-status");
  const version = form.querySelector("input[name='version']");
  const AUTOSAVE_AFTER_MS = 3000;
  const keepKey = form.dataset.keepKey;
  let dirty = false;
  let timer = null;
  let submitting = false;
  let inflight = null;

  function say(message) {
    status.textContent = message;
  }

  // The values as typed; the version and the token are the page's, and files are not kept.
  function typed() {
    const skip = ["csrfmiddlewaretoken", "version"];
    return Array.from(new FormData(form)).filter(function (entry) {
      return typeof entry[1] === "string" && !skip.includes(entry[0]);
    });
  }

  function keep() {
    try {
      window.localStorage.setItem(
        keepKey,
        JSON.stringify({ version: version.value, values: typed() }),
      );
    } catch (error) {
      // Storage full or refused: the warning before leaving still guards the values.
    }
  }

  function kept() {
    try {
      return JSON.parse(window.localStorage.getItem(keepKey));
    } catch (error) {
      return null;
    }
  }

  function forget() {
    try {
      window.localStorage.removeItem(keepKey);
    } catch (error) {
      // Nothing was kept.
    }
  }

  function restore() {
    const copy = kept();
    if (!copy || !Array.isArray(copy.values)) {
      return;
    }
    const unchanged = JSON.stringify(copy.values) === JSON.stringify(typed());
    // A later version saved by this user is the kept values saved; by someone else, the
    // kept values go back with their old version, so saving shows both side by side.
    const savedSince =
      copy.version !== version.value && form.dataset.savedBySelf === "yes";
    if (unchanged || savedSince) {
      forget();
      return;
    }
    copy.values.forEach(function (entry) {
      const field = form.elements.namedItem(entry[0]);
      if (field && field.type !== "file") {
        field.value = entry[1];
      }
    });
    version.value = copy.version;
    dirty = true;
    document.getElementById("restored-notice").hidden = false;
  }

  // A login in another tab gives a new CSRF token; the page's own would be refused.
  function freshToken() {
    const cookie = document.cookie
      .split("; ")
      .find(function (pair) {
        return pair.startsWith("csrftoken=");
      });
    const field = form.querySelector("input[name='csrfmiddlewaretoken']");
    if (cookie && field) {
      field.value = cookie.slice("csrftoken=".length);
    }
  }

  function sessionEnded(response) {
    return (
      response.status === 401 ||
      response.status === 403 ||
      (response.redirected && new URL(response.url).pathname !== form.dataset.autosaveUrl)
    );
  }

  async function autosave() {
    timer = null;
    if (!dirty || submitting) {
      return;
    }
    freshToken();
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
      if (sessionEnded(response)) {
        keep();
        return { saved: false, message: form.dataset.sessionMessage };
      }
      // The portal's error answer (core/errors.py), JSON to this script, says nothing of
      // the draft: it is told as the portal out of reach.
      if (response.status >= 500) {
        throw new Error(response.statusText);
      }
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

  restore();

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
    freshToken();
    keep();
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
