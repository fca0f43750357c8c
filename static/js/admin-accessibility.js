// Names the admin's autocomplete boxes (select2) for screen readers.
//
// select2 hides the real <select>, whose <label> names it, and shows a combobox of its
// own with no accessible name (axe-core: "ARIA input fields must have an accessible
// name"). Each combobox, and a multiple choice's search box, gets the label's text,
// also in inline rows added later ("Add another") and after each choice.
"use strict";

(function () {
  function labelText(select) {
    const label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label) {
      return label.textContent.replace(/:\s*$/, "").trim();
    }
    return select.getAttribute("aria-label") || "";
  }

  function nameAutocompletes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      const box = select.nextElementSibling;
      const name = labelText(select);
      if (!box || !name) {
        return;
      }
      // select2 names its combobox by the box showing the choice, empty until one is made:
      // name it, and that box, by the field's label instead.
      box.querySelectorAll(
        ".select2-selection, .select2-selection__rendered, .select2-search__field"
      ).forEach(function (field) {
        field.removeAttribute("aria-labelledby");
        field.setAttribute("aria-label", name);
      });
    });
  }

  // Django builds the boxes when jQuery is ready, which may come after the page's load
  // event, and again for each inline row added: name them whenever the page changes.
  document.addEventListener("DOMContentLoaded", function () {
    nameAutocompletes();
    new MutationObserver(nameAutocompletes).observe(document.body, {
      childList: true,
      subtree: true,
    });
  });
})();
