// "Add a row" in a form of several rows (a Django formset): without
// JavaScript the button sends the form, which comes back with one more empty
// row and saves nothing. Here the button adds the row in the page instead: a
// copy of the formset's empty form (kept in a <template>), numbered by the
// management form's TOTAL_FORMS, which then counts it.
//
// Markup: [data-formset="<prefix>"] holds the management form, the rows in
// [data-formset-rows], the empty row in <template data-formset-empty> (with
// __prefix__ for the row's index and __number__ for its number as shown) and
// the [data-formset-add] button.
(function () {
  "use strict";

  function field(formset, name) {
    return formset.querySelector('input[name="' + formset.dataset.formset + "-" + name + '"]');
  }

  function setUp(formset) {
    const button = formset.querySelector("[data-formset-add]");
    const template = formset.querySelector("template[data-formset-empty]");
    const rows = formset.querySelector("[data-formset-rows]");
    const total = field(formset, "TOTAL_FORMS");
    if (!button || !template || !rows || !total) {
      return;
    }
    const max = field(formset, "MAX_NUM_FORMS");
    const limit = max ? parseInt(max.value, 10) : Infinity;
    // Not a submit button any more, so that Enter in a field sends the form
    // rather than adding a row.
    button.type = "button";
    button.removeAttribute("name");

    function refresh() {
      button.disabled = parseInt(total.value, 10) >= limit;
    }

    button.addEventListener("click", function () {
      const index = parseInt(total.value, 10);
      if (index >= limit) {
        return;
      }
      const html = template.innerHTML
        .split("__prefix__")
        .join(String(index))
        .split("__number__")
        .join(String(index + 1));
      const holder = document.createElement("div");
      holder.innerHTML = html;
      const added = Array.from(holder.children);
      rows.append(...added);
      total.value = String(index + 1);
      refresh();
      added.forEach(function (element) {
        element.dispatchEvent(new CustomEvent("formset:added", { bubbles: true }));
      });
      const first = added.length && added[0].querySelector("input, select, textarea");
      if (first) {
        first.focus();
      }
    });
    refresh();
  }

  function setUpAll() {
    document.querySelectorAll("[data-formset]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
