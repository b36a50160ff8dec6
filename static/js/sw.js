// The portal's service worker, served at /sw.js by core.offline.service_worker,
// which puts its settings before this text (self.PORTAL_OFFLINE).
//
// What it keeps, so that an officer with no network still reads them:
// - the portal's static files (public, the same for everyone);
// - the pages the signed-in person opened, in a cache named by that person's
//   device key (core.offline.device_key), which each page carries in the
//   data-device-key attribute of its offline-drafts.js script tag.
//
// A page is kept only under the key the page itself names, and a kept page is
// given back only while the last page seen online named the same key: when
// another person signs in, everything the previous one kept is deleted; when
// a page shows that nobody is signed in (the session ended), kept pages are
// no longer shown until that person signs in again. Sign-out deletes all of
// it (the sign-out form's script, and the Clear-Site-Data header).
"use strict";

const CONFIG = self.PORTAL_OFFLINE;
const STATIC_CACHE = "portal-static-" + CONFIG.version;
const PAGES_PREFIX = "portal-pages-";
const META_CACHE = "portal-meta";
const CURRENT_KEY = "/offline/current-key";
const MAX_PAGES = 200;
// Static files named by their content (production): they never change.
const HASHED = /\.[0-9a-f]{12}\.[A-Za-z0-9]+$/;
const KEY_IN_PAGE = /\bdata-device-key="([0-9a-f]*)"/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(STATIC_CACHE)
      .then((cache) => cache.addAll(CONFIG.static))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("portal-static-") && name !== STATIC_CACHE)
            .map((name) => caches.delete(name))
        )
      )
      .then(() => self.clients.claim())
  );
});

// --- Whose pages --------------------------------------------------------------------

async function currentKey() {
  const meta = await caches.open(META_CACHE);
  const entry = await meta.match(CURRENT_KEY);
  return entry ? entry.text() : "";
}

async function setCurrentKey(key) {
  if (key) {
    // Another person's pages never stay next to this one's.
    const names = await caches.keys();
    await Promise.all(
      names
        .filter((name) => name.startsWith(PAGES_PREFIX) && name !== PAGES_PREFIX + key)
        .map((name) => caches.delete(name))
    );
  }
  const meta = await caches.open(META_CACHE);
  await meta.put(CURRENT_KEY, new Response(key));
  if (key) {
    await keepDraftsPage(key);
  }
}

async function forgetEverything() {
  const names = await caches.keys();
  await Promise.all(
    names.filter((name) => name.startsWith("portal-")).map((name) => caches.delete(name))
  );
}

// --- Pages ----------------------------------------------------------------------------

function pageAddress(url) {
  const address = new URL(url);
  address.hash = "";
  return address.href;
}

function keepable(response) {
  const type = response.headers.get("Content-Type") || "";
  const disposition = response.headers.get("Content-Disposition") || "";
  return (
    response.status === 200 &&
    response.type === "basic" &&
    !response.redirected &&
    type.startsWith("text/html") &&
    !disposition.startsWith("attachment")
  );
}

// Keep a page the person opened, under the key the page itself names.
async function keep(url, response) {
  if (!keepable(response)) {
    return;
  }
  const html = await response.text();
  const found = KEY_IN_PAGE.exec(html);
  const key = found ? found[1] : "";
  if (key !== (await currentKey())) {
    await setCurrentKey(key);
  }
  if (!key) {
    return;
  }
  const cache = await caches.open(PAGES_PREFIX + key);
  const address = pageAddress(url);
  await cache.delete(address);
  await cache.put(
    address,
    new Response(html, { headers: { "Content-Type": response.headers.get("Content-Type") } })
  );
  // The oldest pages go first once there are too many.
  const kept = await cache.keys();
  await Promise.all(kept.slice(0, Math.max(0, kept.length - MAX_PAGES)).map((r) => cache.delete(r)));
}

// The page of offline drafts is what an officer needs most once offline, even
// without having opened it: it is fetched as soon as a person is known.
async function keepDraftsPage(key) {
  if (!key) {
    return;
  }
  const cache = await caches.open(PAGES_PREFIX + key);
  const address = pageAddress(new URL(CONFIG.draftsUrl, self.location.origin));
  if (await cache.match(address)) {
    return;
  }
  try {
    const response = await fetch(address, { credentials: "same-origin" });
    await keep(address, response);
  } catch (error) {
    // Offline: kept the next time.
  }
}

async function keptPage(url) {
  const key = await currentKey();
  if (!key) {
    return null;
  }
  const cache = await caches.open(PAGES_PREFIX + key);
  // A page not kept: the drafts page, which then says that this page was not kept.
  return (
    (await cache.match(pageAddress(url))) ||
    (await cache.match(pageAddress(new URL(CONFIG.draftsUrl, self.location.origin))))
  );
}

const OFFLINE_PAGE =
  '<!DOCTYPE html><html lang="fr"><meta charset="utf-8"><title>Hors ligne · Offline</title>' +
  "<p>Hors ligne : cette page n’est pas conservée sur cet appareil.</p>" +
  '<p lang="en">Offline: this page is not kept on this device.</p></html>';

async function page(event, url) {
  try {
    const response = await fetch(event.request);
    event.waitUntil(keep(url, response.clone()).catch(() => {}));
    return response;
  } catch (error) {
    const kept = await keptPage(url);
    return (
      kept ||
      new Response(OFFLINE_PAGE, {
        status: 503,
        headers: { "Content-Type": "text/html; charset=utf-8" },
      })
    );
  }
}

// --- Static files ---------------------------------------------------------------------

async function staticFile(event, url) {
  const cache = await caches.open(STATIC_CACHE);
  if (HASHED.test(url.pathname)) {
    const kept = await cache.match(event.request);
    if (kept) {
      return kept;
    }
  }
  try {
    const response = await fetch(event.request);
    if (response.status === 200 && response.type === "basic") {
      event.waitUntil(cache.put(event.request, response.clone()).catch(() => {}));
    }
    return response;
  } catch (error) {
    const kept = await cache.match(event.request, { ignoreSearch: true });
    return kept || Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || CONFIG.never.some((p) => url.pathname.startsWith(p))) {
    return;
  }
  if (url.pathname.startsWith(CONFIG.staticPrefix)) {
    event.respondWith(staticFile(event, url));
  } else if (request.mode === "navigate") {
    event.respondWith(page(event, url));
  }
});

// --- Messages from the pages (offline-drafts.js) --------------------------------------

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (event.origin && event.origin !== self.location.origin) {
    return;
  }
  if (message.type === "keep" && typeof message.url === "string") {
    // A page shown before this worker served it (the first one): fetched again to keep it.
    const url = new URL(message.url, self.location.origin);
    if (url.origin === self.location.origin) {
      event.waitUntil(
        fetch(url.href, { credentials: "same-origin" })
          .then((response) => keep(url, response))
          .catch(() => {})
      );
    }
  } else if (message.type === "key" && typeof message.key === "string") {
    event.waitUntil(
      currentKey().then((key) => (key === message.key ? keepDraftsPage(key) : setCurrentKey(message.key)))
    );
  } else if (message.type === "forget") {
    event.waitUntil(forgetEverything());
  }
});
