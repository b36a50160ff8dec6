// Choice fields with a search box (core/widgets.py). Without JavaScript the
// field is a plain <select>, <select multiple> or list of checkboxes. Here a
// text box is added above it that hides the choices not matching what is
// typed (accents and case aside); the choices made always stay shown. A long
// list of checkboxes shows only the choices made until something is typed or
// "Show all" is pressed. Texts come from data- attributes, in the page's
// language. Fields that htmx swaps in (the project form's region fields) are
// set up as they arrive.
(function () {
  "use strict";

  // Lists of checkboxes longer than this fold to the choices made.
  const FOLD_AT = 12;
  let counter = 0;

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function fill(template, values) {
    let text = template || "";
    for (const [key, value] of Object.entries(values)) {
      text = text.split("{" + key + "}").join(String(value));
    }
    return text;
  }

  // The field's own label (a <label for> or the fieldset's legend).
  function fieldLabel(box, control) {
    const label = control.id && document.querySelector('label[for="' + control.id + '"]');
    if (label) {
      return label.textContent.trim();
    }
    const fieldset = box.closest("fieldset");
    const legend = fieldset && fieldset.querySelector("legend");
    return legend ? legend.textContent.trim() : "";
  }

  // Each choice: its text, whether it is chosen, and how to show or hide it.
  function choicesOf(box) {
    const select = box.querySelector("select");
    if (select) {
      return Array.from(select.options)
        .filter(function (option) {
          return option.value !== "";
        })
        .map(function (option) {
          return {
            text: fold(option.textContent),
            label: option.textContent.trim(),
            chosen: function () {
              return option.selected;
            },
            show: function (shown) {
              option.hidden = !shown;
            },
          };
        });
    }
    return Array.from(box.querySelectorAll('input[type="checkbox"]')).map(function (input) {
      const row = input.closest("div") || input.parentElement;
      const label = input.closest("label") || row;
      return {
        text: fold(label.textContent),
        label: label.textContent.trim(),
        chosen: function () {
          return input.checked;
        },
        show: function (shown) {
          row.hidden = !shown;
        },
      };
    });
  }

  function setUp(box) {
    if (box.dataset.searchReady) {
      return;
    }
    box.dataset.searchReady = "1";
    const texts = box.dataset;
    const select = box.querySelector("select");
    const control = select || box.querySelector("[id]") || box;
    const choices = choicesOf(box);
    const foldable = !select && choices.length > FOLD_AT;
    let showAll = !foldable;

    counter += 1;
    const id = "search-select-" + counter;
    const tools = document.createElement("div");
    tools.className = "search-select__tools";
    const label = document.createElement("label");
    label.className = "search-select__label";
    label.htmlFor = id;
    label.textContent = texts.textSearch;
    const input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.className = "search-select__input";
    input.autocomplete = "off";
    const name = fieldLabel(box, control);
    if (name) {
      // The visible word first, so that speaking it reaches the box.
      input.setAttribute("aria-label", texts.textSearch + " — " + name);
    }
    const status = document.createElement("p");
    status.className = "search-select__status";
    status.id = id + "-status";
    status.setAttribute("aria-live", "polite");
    input.setAttribute("aria-describedby", status.id);
    tools.append(label, input);
    let toggle = null;
    if (foldable) {
      toggle = document.createElement("button");
      toggle.type = "button";
      toggle.className = "btn btn--secondary btn--small search-select__toggle";
      toggle.setAttribute("aria-pressed", "false");
      toggle.textContent = texts.textShowAll;
      tools.append(toggle);
    }
    box.prepend(tools, status);
    box.classList.add("search-select--ready");

    function update() {
      const query = fold(input.value);
      let shown = 0;
      let matches = 0;
      const chosen = [];
      for (const choice of choices) {
        const isChosen = choice.chosen();
        if (isChosen) {
          chosen.push(choice.label);
        }
        const matching = query !== "" && choice.text.includes(query);
        if (matching) {
          matches += 1;
        }
        const visible = query ? isChosen || matching : showAll || isChosen;
        choice.show(visible);
        if (visible) {
          shown += 1;
        }
      }
      let text = fill(texts.textShown, { shown: shown, total: choices.length });
      if (query && matches === 0) {
        text += " " + texts.textNone;
      }
      if (!select || select.multiple) {
        text += " · " + fill(texts.textChosen, { chosen: chosen.length });
      }
      status.textContent = text;
    }

    input.addEventListener("input", update);
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") {
        return;
      }
      // Enter in the search box never sends the form; with one choice left
      // in a single choice, it picks that one.
      event.preventDefault();
      if (select && !select.multiple) {
        const query = fold(input.value);
        const left = Array.from(select.options).filter(function (option) {
          return option.value !== "" && fold(option.textContent).includes(query);
        });
        if (query && left.length === 1) {
          select.value = left[0].value;
          select.dispatchEvent(new Event("change", { bubbles: true }));
          update();
        }
      }
    });
    if (toggle) {
      toggle.addEventListener("click", function () {
        showAll = !showAll;
        toggle.setAttribute("aria-pressed", String(showAll));
        toggle.textContent = showAll ? texts.textShowChosen : texts.textShowAll;
        update();
      });
    }
    update();
  }

  function setUpWithin(root) {
    if (root.matches && root.matches("[data-search-select]")) {
      setUp(root);
    }
    root.querySelectorAll("[data-search-select]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      setUpWithin(document);
    });
  } else {
    setUpWithin(document);
  }
  // Whatever htmx swapped in (each field is set up once).
  document.addEventListener("htmx:afterSettle", function () {
    setUpWithin(document);
  });
  // Rows added to a formset (formset-rows.js).
  document.addEventListener("formset:added", function (event) {
    setUpWithin(event.target);
  });
})();
