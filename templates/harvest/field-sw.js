/* The field app's service worker: the page and every file it needs come from
   the cache when there is no network. Sync requests (POST) are never cached:
   entries wait in IndexedDB until the page can send them. */
const CACHE = "oilchain-field-{{ version }}";
const PAGE = "{{ url_for('harvest.field') }}";
const MANIFEST = "{{ url_for('harvest.field_manifest') }}";
const ASSETS = {{ assets | tojson }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll([PAGE, MANIFEST, ...ASSETS]))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("oilchain-field-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === PAGE) {
    // Network first, so plots stay current; the cached page when offline, or
    // when the session has expired (a redirect to the sign-in page).
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && !response.redirected) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(PAGE, copy));
            return response;
          }
          return caches.match(PAGE).then((cached) => cached || response);
        })
        .catch(() => caches.match(PAGE))
    );
    return;
  }
  if (url.pathname === MANIFEST || ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((cached) => cached || fetch(request)));
  }
});
