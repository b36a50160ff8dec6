// Lists: the columns a person chooses to see, and the filters they save.
//
// A table's headers marked data-col="<name>" are secondary columns: a
// "Columns" control (templates/core/_columns.html, hidden until this script
// shows it) offers a checkbox for each; the choice is kept on the device
// (localStorage), per table. The title and the first key column carry no
// data-col and always show. A table that htmx swaps keeps the choice.
//
// The "Save this filter" form sends the filters of the page's current
// address: htmx may have changed them since the page was drawn.
//
// Without JavaScript, every column shows and the forms post as drawn.
(function () {
  "use strict";

  const PREFIX = "portal-columns:";

  function load(key) {
    try {
      return JSON.parse(window.localStorage.getItem(PREFIX + key) || "[]");
    } catch (error) {
      return [];
    }
  }

  function store(key, hidden) {
    try {
      window.localStorage.setItem(PREFIX + key, JSON.stringify(hidden));
    } catch (error) {
      // Private browsing or a full store: the choice lasts for this page only.
    }
  }

  function apply(table, hidden) {
    const headers = Array.from(table.tHead ? table.tHead.rows[0].cells : []);
    const width = headers.length;
    headers.forEach(function (header, index) {
      const name = header.dataset.col;
      if (!name) {
        return;
      }
      const hide = hidden.indexOf(name) !== -1;
      for (const row of table.rows) {
        // Rows that span columns (totals) are left as they are.
        if (row.cells.length === width) {
          row.cells[index].hidden = hide;
        }
      }
    });
  }

  function setUp(control) {
    const table = document.getElementById(control.dataset.columnsFor);
    const key = control.dataset.columnsKey || control.dataset.columnsFor;
    const box = control.querySelector("[data-columns-choices]");
    if (!table || !table.tHead || !box || box.querySelector("input")) {
      return;
    }
    const hidden = load(key);
    for (const header of table.tHead.rows[0].cells) {
      const name = header.dataset.col;
      if (!name) {
        continue;
      }
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "checkbox";
      input.name = "column";
      input.value = name;
      input.checked = hidden.indexOf(name) === -1;
      label.append(input, " ", header.dataset.colLabel || header.textContent.trim());
      box.append(label);
    }
    box.addEventListener("change", function () {
      const now = Array.from(box.querySelectorAll("input:not(:checked)")).map(function (input) {
        return input.value;
      });
      store(key, now);
      apply(document.getElementById(control.dataset.columnsFor), now);
    });
    control.hidden = false;
    apply(table, hidden);
  }

  function setUpAll() {
    document.querySelectorAll("[data-columns-for]").forEach(setUp);
  }

  // A table htmx has just swapped in: the kept choice again.
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll("[data-columns-for]").forEach(function (control) {
      const table = document.getElementById(control.dataset.columnsFor);
      if (table) {
        setUp(control);
        apply(table, load(control.dataset.columnsKey || control.dataset.columnsFor));
      }
    });
  });

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form instanceof HTMLFormElement && form.matches("[data-save-filter]")) {
      form.elements.query.value = window.location.search.replace(/^\?/, "");
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
