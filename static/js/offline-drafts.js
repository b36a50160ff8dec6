// Offline drafts: while the device has no network, a form marked
// data-offline-draft (progress reports, indicator reports, plan updates) is
// saved on the device (IndexedDB), with its files; back online, each draft is
// sent through the form's own address, as if typed again, with a fresh CSRF
// token and the draft's own one-time token (sent twice, it is recorded once).
// A draft the server refuses, or whose record changed meanwhile, stays on the
// device and the drafts page shows both versions. Also registers the service
// worker (sw.js) and forgets everything the device kept at sign-out.
//
// Without JavaScript, nothing of this happens: the forms post as usual.
// Texts come from data- attributes, rendered in the page's language.
(function () {
  "use strict";

  const script = document.currentScript;
  if (!script || !("indexedDB" in window) || !window.fetch) {
    return;
  }
  const config = script.dataset;
  const KEY = config.deviceKey || "";
  const LANG = document.documentElement.lang || "fr";
  const DB_NAME = "portal-offline";
  const STORE = "drafts";
  // Never part of what is compared or shown: they change with every page.
  const TOKENS = new Set(["csrfmiddlewaretoken", "token"]);

  function text(name, values) {
    let value = config[name] || "";
    for (const [key, replacement] of Object.entries(values || {})) {
      value = value.split("{" + key + "}").join(replacement);
    }
    return value;
  }

  function samePath(a, b) {
    const first = new URL(a, location.href);
    const second = new URL(b, location.href);
    return first.pathname === second.pathname && first.search === second.search;
  }

  function element(tag, options, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(options || {})) {
      if (name === "text") {
        node.textContent = value;
      } else {
        node.setAttribute(name, value);
      }
    }
    for (const child of children || []) {
      if (child) {
        node.append(child);
      }
    }
    return node;
  }

  function newToken() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  // --- The drafts on this device (IndexedDB) ------------------------------------------

  let database = null;

  function openDatabase() {
    if (database) {
      return Promise.resolve(database);
    }
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(STORE, { keyPath: "id" });
      };
      request.onsuccess = () => {
        database = request.result;
        // Sign-out in another tab deletes the database: let it.
        database.onversionchange = () => {
          database.close();
          database = null;
        };
        resolve(database);
      };
      request.onerror = () => reject(request.error);
    });
  }

  function withStore(mode, action) {
    return openDatabase().then(
      (db) =>
        new Promise((resolve, reject) => {
          const transaction = db.transaction(STORE, mode);
          const result = action(transaction.objectStore(STORE));
          transaction.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
          transaction.onerror = () => reject(transaction.error);
          transaction.onabort = () => reject(transaction.error);
        })
    );
  }

  function everyDraft() {
    return withStore("readonly", (store) => store.getAll()).then((all) => all || []);
  }

  function myDrafts() {
    return everyDraft().then((all) =>
      all.filter((draft) => draft.user === KEY).sort((a, b) => a.savedAt - b.savedAt)
    );
  }

  const putDraft = (draft) => withStore("readwrite", (store) => store.put(draft));
  const deleteDraft = (id) => withStore("readwrite", (store) => store.delete(id));

  // Another person signed in on this device: the previous person's drafts go,
  // as the service worker deletes their pages.
  function forgetOthers() {
    return everyDraft().then((all) =>
      Promise.all(all.filter((draft) => draft.user !== KEY).map((draft) => deleteDraft(draft.id)))
    );
  }

  function forgetDevice() {
    const steps = [withStore("readwrite", (store) => store.clear()).catch(() => {})];
    if (window.caches) {
      steps.push(
        caches
          .keys()
          .then((names) =>
            Promise.all(names.filter((n) => n.startsWith("portal-")).map((n) => caches.delete(n)))
          )
          .catch(() => {})
      );
    }
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "forget" });
    }
    return Promise.all(steps);
  }

  // --- Reading a form -----------------------------------------------------------------

  function fieldLabel(form, field) {
    let label = "";
    if (field.id) {
      const tag = form.querySelector('label[for="' + CSS.escape(field.id) + '"]');
      label = tag ? tag.textContent : "";
    }
    const group = field.closest("fieldset");
    if (!label && group && group.querySelector("legend")) {
      label = group.querySelector("legend").textContent;
    }
    // The priorities of a plan update: "priority › field".
    const card = field.closest("fieldset.card");
    if (card && card.querySelector("legend") && group !== card) {
      label = card.querySelector("legend").textContent.trim() + " › " + label.trim();
    }
    return (label || field.name).replace(/\s+/g, " ").trim();
  }

  // Each named field's values as posted (for comparing), and as a person reads
  // them (for showing), with its label. Works on a live form and on one parsed
  // from a page the server sent.
  function readForm(form) {
    const values = {};
    const shown = {};
    const labels = {};
    for (const field of form.elements) {
      const name = field.name;
      if (!name || field.disabled || TOKENS.has(name) || field.type === "file") {
        continue;
      }
      if (["submit", "button", "reset", "image"].includes(field.type) || field.type === "hidden") {
        continue;
      }
      labels[name] = labels[name] || fieldLabel(form, field);
      values[name] = values[name] || [];
      shown[name] = shown[name] || [];
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked) {
          values[name].push(field.value);
          const label = field.type === "radio" ? fieldLabel(form, field) : "✓";
          shown[name].push(field.type === "radio" && field.labels && field.labels[0] ? field.labels[0].textContent.trim() : label);
        }
      } else if (field.tagName === "SELECT") {
        for (const option of field.options) {
          if (option.selected) {
            values[name].push(option.value);
            shown[name].push(option.textContent.trim());
          }
        }
      } else {
        values[name].push(field.value);
        shown[name].push(field.value);
      }
    }
    return { values, shown, labels };
  }

  function sameValues(a, b) {
    return JSON.stringify(a || []) === JSON.stringify(b || []);
  }

  function describe(form) {
    const heading = document.querySelector("main h1");
    const crumbs = Array.from(document.querySelectorAll(".breadcrumbs li"))
      .slice(0, -1)
      .map((item) => item.textContent.trim());
    return {
      title: heading ? heading.textContent.trim() : document.title,
      context: crumbs.join(" › "),
    };
  }

  // --- Saving a form on the device ----------------------------------------------------

  function showNotice(place, kind, message, link) {
    const old = place.parentNode.querySelector("[data-offline-notice]");
    if (old) {
      old.remove();
    }
    const notice = element("div", { class: "message message--" + kind, role: "status", "data-offline-notice": "" }, [
      document.createTextNode(message + " "),
      link ? element("a", { href: link.href, text: link.text }) : null,
    ]);
    place.before(notice);
    return notice;
  }

  async function saveDraft(form, base, submitter) {
    let data;
    try {
      data = new FormData(form, submitter || undefined);
    } catch (error) {
      data = new FormData(form);
    }
    const entries = [];
    for (const [name, value] of data) {
      if (name === "csrfmiddlewaretoken") {
        continue;
      }
      if (value instanceof Blob) {
        if (value.size || value.name) {
          entries.push([name, value]);
        }
        continue;
      }
      entries.push([name, value]);
    }
    // A new one-time token for each draft: a page kept offline is shown again
    // with the same token, and two drafts made from it are two records.
    if (!form.dataset.offlineDraftId && entries.some(([name]) => name === "token")) {
      form.dataset.offlineDraftToken = newToken();
    }
    const token = form.dataset.offlineDraftToken;
    for (const entry of entries) {
      if (entry[0] === "token" && token) {
        entry[1] = token;
      }
    }
    const read = readForm(form);
    const draft = Object.assign(describe(form), {
      id: form.dataset.offlineDraftId || newToken(),
      user: KEY,
      url: new URL(form.action, location.href).href,
      savedAt: Date.now(),
      entries: entries,
      base: base,
      labels: read.labels,
      shown: read.shown,
      status: "waiting",
      problems: [],
      server: null,
    });
    await putDraft(draft);
    form.dataset.offlineDraftId = draft.id;
    return draft;
  }

  function watchForm(form) {
    // The values the form was opened with: what the server had then.
    const base = readForm(form).values;
    form.addEventListener("submit", (event) => {
      if (navigator.onLine || !KEY) {
        return;
      }
      event.preventDefault();
      saveDraft(form, base, event.submitter)
        .then(() => {
          showNotice(form, "info", text("tSaved"), { href: config.draftsUrl, text: text("tSeeDrafts") });
          showWaiting();
        })
        .catch(() => showNotice(form, "error", text("tNotSaved")));
    });
  }

  // --- Sending the drafts -------------------------------------------------------------

  function parse(html) {
    return new DOMParser().parseFromString(html, "text/html");
  }

  function isSignIn(url) {
    return new URL(url, location.href).pathname === new URL(config.loginUrl, location.href).pathname;
  }

  // What the server said about a form or record: errors by field, its messages.
  function problemsIn(doc, kinds) {
    const problems = [];
    for (const field of doc.querySelectorAll(".form-field--error")) {
      const label = field.querySelector("label, legend");
      const errors = Array.from(field.querySelectorAll(".errorlist li")).map((li) => li.textContent.trim());
      problems.push((label ? label.textContent.trim() + " — " : "") + errors.join(" "));
    }
    for (const message of doc.querySelectorAll(kinds)) {
      problems.push(message.textContent.replace(/\s+/g, " ").trim());
    }
    return problems.filter(Boolean);
  }

  async function keepWithProblem(draft, status, problems, server) {
    draft.status = status;
    draft.problems = problems;
    draft.server = server || null;
    draft.force = false;
    await putDraft(draft);
    return { status: status, draft: draft };
  }

  async function send(draft) {
    // The form again, as the server has it now: its CSRF token, and the
    // record's current values to compare with those the draft started from.
    let page;
    try {
      page = await fetch(draft.url, { credentials: "same-origin", headers: { Accept: "text/html" } });
    } catch (error) {
      return { status: "offline" };
    }
    if (isSignIn(page.url)) {
      return keepWithProblem(draft, "signin", [text("tSignIn")]);
    }
    const pageDoc = parse(await page.text());
    const serverForm = pageDoc.querySelector("form[data-offline-draft]");
    if (!page.ok || !samePath(page.url, draft.url) || !serverForm) {
      // The record can no longer be changed (submitted, approved, removed).
      const problems = problemsIn(pageDoc, ".message--error, .message--warning");
      return keepWithProblem(draft, "refused", problems.length ? problems : [text("tRefused")]);
    }
    const server = readForm(serverForm);
    const changedMeanwhile = Object.keys(server.values).filter(
      (name) =>
        !sameValues(server.values[name], (draft.base || {})[name]) &&
        !sameValues(server.values[name], draftValues(draft)[name])
    );
    if (changedMeanwhile.length && !draft.force) {
      return keepWithProblem(draft, "conflict", [text("tChanged")], server);
    }
    const csrf = serverForm.querySelector("[name=csrfmiddlewaretoken]");
    const body = new FormData();
    body.append("csrfmiddlewaretoken", csrf ? csrf.value : "");
    for (const [name, value] of draft.entries) {
      if (value instanceof Blob) {
        body.append(name, value, value.name || "file");
      } else {
        body.append(name, value);
      }
    }
    let response;
    try {
      response = await fetch(draft.url, { method: "POST", body: body, credentials: "same-origin" });
    } catch (error) {
      return { status: "offline" };
    }
    if (isSignIn(response.url)) {
      return keepWithProblem(draft, "signin", [text("tSignIn")]);
    }
    const answer = parse(await response.text());
    if (response.status === 409 || !response.redirected || samePath(response.url, draft.url)) {
      // The form again, with the server's errors (the period was reported
      // meanwhile, the record changed): nothing was saved.
      const problems = problemsIn(answer, ".message--error, .message--warning, .error-summary p");
      return keepWithProblem(draft, "conflict", problems.length ? problems : [text("tRefused")], server);
    }
    const refusals = problemsIn(answer, ".messages .message--error");
    if (refusals.length) {
      return keepWithProblem(draft, "refused", refusals, server);
    }
    await deleteDraft(draft.id);
    return { status: "sent", draft: draft, url: response.url };
  }

  function draftValues(draft) {
    const values = {};
    for (const [name, value] of draft.entries) {
      if (!(value instanceof Blob) && !TOKENS.has(name)) {
        (values[name] = values[name] || []).push(value);
      }
    }
    return values;
  }

  function exclusively(action) {
    if (navigator.locks) {
      return navigator.locks.request("portal-offline-drafts", action);
    }
    return action();
  }

  // Send the drafts that wait (not those the person must look at first).
  function sendWaiting(only) {
    if (!KEY || !navigator.onLine) {
      return Promise.resolve([]);
    }
    return exclusively(async () => {
      const results = [];
      for (const draft of await myDrafts()) {
        if (only ? draft.id !== only : draft.status !== "waiting") {
          continue;
        }
        const result = await send(draft);
        results.push(result);
        if (result.status === "offline") {
          break;
        }
      }
      return results;
    });
  }

  // --- What every page shows ----------------------------------------------------------

  async function showWaiting() {
    const main = document.querySelector("main");
    if (!main || !KEY || main.querySelector("[data-offline-drafts]")) {
      return;
    }
    const count = (await myDrafts()).length;
    const old = document.querySelector("[data-offline-waiting]");
    if (old) {
      old.remove();
    }
    if (count) {
      const message = count === 1 ? text("tWaitingOne") : text("tWaitingMany", { count: count });
      main.prepend(
        element("p", { class: "message message--info", "data-offline-waiting": "" }, [
          document.createTextNode(message + " "),
          element("a", { href: config.draftsUrl, text: text("tSeeDrafts") }),
        ])
      );
    }
  }

  function reportSent(results) {
    const main = document.querySelector("main");
    for (const result of results) {
      if (result.status === "sent" && main) {
        main.prepend(
          element("p", { class: "message message--success", role: "status" }, [
            document.createTextNode(text("tSent", { title: result.draft.title }) + " "),
            element("a", { href: result.url, text: text("tOpen") }),
          ])
        );
      }
    }
  }

  // --- The drafts page ----------------------------------------------------------------

  const list = document.querySelector("[data-offline-drafts]");
  const pageTexts = list ? list.dataset : {};

  function pageText(name, values) {
    let value = pageTexts[name] || "";
    for (const [key, replacement] of Object.entries(values || {})) {
      value = value.split("{" + key + "}").join(replacement);
    }
    return value;
  }

  function valuesTable(draft) {
    const mine = draft.shown || {};
    const mineValues = draftValues(draft);
    const server = draft.server ? draft.server.shown : null;
    const serverValues = draft.server ? draft.server.values : {};
    const head = element("tr", {}, [
      element("th", { scope: "col", text: pageText("tField") }),
      element("th", { scope: "col", text: pageText("tMine") }),
      server ? element("th", { scope: "col", text: pageText("tServer") }) : null,
    ]);
    const rows = Object.keys(mine).map((name) => {
      const differs = server && !sameValues(mineValues[name], serverValues[name]);
      const serverValue = server ? (server[name] || []).join(", ") : null;
      return element("tr", differs ? { class: "offline-draft__differs" } : {}, [
        element("th", { scope: "row", text: (draft.labels || {})[name] || name }),
        element("td", { text: (mine[name] || []).join(", ") }),
        server ? element("td", { text: serverValue }) : null,
        differs ? element("td", { class: "visually-hidden", text: pageText("tDiffers") }) : null,
      ]);
    });
    const files = draft.entries.filter(([, value]) => value instanceof Blob);
    if (files.length) {
      rows.push(
        element("tr", {}, [
          element("th", { scope: "row", text: pageText("tFiles") }),
          element("td", { text: files.map(([, file]) => file.name + " (" + Math.ceil(file.size / 1024) + " KB)").join(", ") }),
          server ? element("td", { text: "" }) : null,
        ])
      );
    }
    return element("div", { class: "table-wrap" }, [
      element("table", { class: "table" }, [element("thead", {}, [head]), element("tbody", {}, rows)]),
    ]);
  }

  function draftCard(draft) {
    // Day before month and a 24-hour time in English too (15 Dec 2026, 14:30).
    const saved = new Date(draft.savedAt).toLocaleString(LANG === "en" ? "en-GB" : LANG, {
      dateStyle: "medium",
      timeStyle: "short",
      hourCycle: "h23",
    });
    const status = {
      waiting: ["info", pageText("tWaiting")],
      conflict: ["warning", pageText("tConflict")],
      refused: ["error", pageText("tRefused")],
      signin: ["warning", pageText("tSignin")],
    }[draft.status] || ["info", pageText("tWaiting")];
    const problems = (draft.problems || []).map((problem) => element("li", { text: problem }));
    const send = element("button", {
      type: "button",
      class: "btn btn--primary",
      "data-send": draft.id,
      text: draft.status === "conflict" && draft.server ? pageText("tSendMine") : pageText("tSend"),
    });
    const discard = element("button", { type: "button", class: "btn btn--danger", "data-discard": draft.id, text: pageText("tDiscard") });
    return element("article", { class: "card", "data-draft": draft.id }, [
      element("h2", {}, [element("a", { href: draft.url, text: draft.title })]),
      draft.context ? element("p", { class: "muted", text: draft.context }) : null,
      element("p", { class: "muted", text: pageText("tSavedAt", { when: saved }) }),
      element("div", { class: "message message--" + status[0] }, [
        element("p", { text: status[1] }),
        problems.length ? element("ul", {}, problems) : null,
      ]),
      valuesTable(draft),
      element("div", { class: "actions" }, [send, discard]),
    ]);
  }

  async function showDrafts(notices) {
    if (!list) {
      return;
    }
    const drafts = await myDrafts();
    const empty = document.querySelector("[data-offline-empty]");
    if (empty) {
      empty.hidden = drafts.length > 0;
    }
    list.replaceChildren(...(notices || []), ...drafts.map(draftCard));
  }

  function resultNotices(results) {
    return results
      .filter((result) => result.status === "sent" || result.status === "offline")
      .map((result) =>
        result.status === "sent"
          ? element("p", { class: "message message--success", role: "status" }, [
              document.createTextNode(text("tSent", { title: result.draft.title }) + " "),
              element("a", { href: result.url, text: text("tOpen") }),
            ])
          : element("p", { class: "message message--warning", role: "status", text: pageText("tStillOffline") })
      );
  }

  function watchDraftsPage() {
    const missing = document.querySelector("[data-offline-missing]");
    if (missing && !samePath(location.href, config.draftsUrl)) {
      // The service worker answered an address it had not kept with this page.
      missing.hidden = false;
    }
    list.addEventListener("click", async (event) => {
      const sendButton = event.target.closest("[data-send]");
      const discardButton = event.target.closest("[data-discard]");
      if (sendButton) {
        if (!navigator.onLine) {
          showDrafts([element("p", { class: "message message--warning", role: "status", text: pageText("tStillOffline") })]);
          return;
        }
        sendButton.disabled = true;
        const draft = (await myDrafts()).find((d) => d.id === sendButton.dataset.send);
        if (draft) {
          // Sent by hand: the person has seen both versions and keeps theirs.
          draft.force = draft.status === "conflict";
          draft.status = "waiting";
          await putDraft(draft);
        }
        const results = await sendWaiting(sendButton.dataset.send);
        showDrafts(resultNotices(results));
      } else if (discardButton) {
        if (window.confirm(pageText("tConfirmDiscard"))) {
          await deleteDraft(discardButton.dataset.discard);
          showDrafts();
        }
      }
    });
  }

  // --- Sign-out forgets what the device kept --------------------------------------------

  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || !config.logoutUrl || !samePath(form.action, config.logoutUrl)) {
        return;
      }
      if (form.dataset.offlineForgotten) {
        return;
      }
      event.preventDefault();
      myDrafts()
        .catch(() => [])
        .then((drafts) => {
          if (drafts.length && !window.confirm(text("tConfirmSignOut", { count: drafts.length }))) {
            return;
          }
          return forgetDevice().then(() => {
            form.dataset.offlineForgotten = "1";
            form.submit();
          });
        });
    },
    true
  );

  // --- Start --------------------------------------------------------------------------

  if ("serviceWorker" in navigator && config.swUrl) {
    const servedByWorker = Boolean(navigator.serviceWorker.controller);
    if (navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "key", key: KEY });
    }
    if (KEY) {
      navigator.serviceWorker
        .register(config.swUrl, { scope: "/" })
        .then(() => navigator.serviceWorker.ready)
        .then((registration) => {
          if (!servedByWorker && registration.active) {
            registration.active.postMessage({ type: "key", key: KEY });
            registration.active.postMessage({ type: "keep", url: location.href });
          }
        })
        .catch(() => {});
    }
  }

  document.querySelectorAll("form[data-offline-draft]").forEach(watchForm);

  (KEY ? forgetOthers() : Promise.resolve())
    .then(() => (navigator.onLine ? sendWaiting() : []))
    .then((results) => {
      if (list) {
        watchDraftsPage();
        return showDrafts(resultNotices(results));
      }
      reportSent(results);
      return showWaiting();
    })
    .catch(() => {});

  window.addEventListener("online", () => {
    sendWaiting().then((results) => {
      if (list) {
        showDrafts(resultNotices(results));
      } else {
        reportSent(results);
        showWaiting();
      }
    });
  });
})();
