// The wallet's service worker: keeps the app's own files so the ID can be shown offline.
// The app's files are answered from the cache at once and refreshed from the network behind it;
// everything else (issuers, verifiers, status lists) always goes to the network.

const CACHE = "legitka-wallet-1";
const SHELL = [
  "/wallet/",
  "/wallet/config.json",
  "/wallet/wallet.css",
  "/wallet/manifest.webmanifest",
  "/wallet/icons/icon-192.png",
  "/wallet/icons/icon-512.png",
  "/wallet/app/main.js",
  "/wallet/app/card.js",
  "/wallet/app/i18n.js",
  "/wallet/app/issuance.js",
  "/wallet/app/keys.js",
  "/wallet/app/net.js",
  "/wallet/app/offline.js",
  "/wallet/app/pin.js",
  "/wallet/app/presentation.js",
  "/wallet/app/scanner.js",
  "/wallet/app/sdjwt.js",
  "/wallet/app/status.js",
  "/wallet/app/store.js",
  "/wallet/app/trust.js",
  "/wallet/app/x509.js",
  "/wallet/vendor/jose-6.2.18.js",
  "/wallet/vendor/jsQR-1.4.0.js",
  "/wallet/vendor/qrcode-generator-2.0.4.mjs",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || !url.pathname.startsWith("/wallet/")) {
    return;
  }
  const key = url.pathname === "/wallet/" ? "/wallet/" : url.pathname;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const cached = await cache.match(key);
      const fresh = fetch(event.request)
        .then((response) => {
          if (response.ok) cache.put(key, response.clone());
          return response;
        })
        .catch(() => undefined);
      if (cached) {
        event.waitUntil(fresh);
        return cached;
      }
      return (await fresh) || Response.error();
    }),
  );
});
