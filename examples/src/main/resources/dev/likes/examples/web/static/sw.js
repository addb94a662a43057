// The demo's service worker: keeps the app shell (page, scripts, style) so that a reload while the server or the
// network is down shows the feed and its waiting clicks. The API is never cached: counts come from the server or are
// shown as unknown.
const CACHE = 'like-shell-v1';
const SHELL = ['/', '/app.js', '/like-client.js', '/style.css', '/signin.html', '/signin.js'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
  const key = url.pathname === '/index.html' ? '/' : url.pathname;
  if (!SHELL.includes(key)) return;
  // network first, so a deployed change shows at once; the cached copy when the network fails
  event.respondWith(fetch(event.request).then((res) => {
    if (res.ok) {
      const copy = res.clone();
      caches.open(CACHE).then((cache) => cache.put(key, copy));
    }
    return res;
  }).catch(() => caches.match(key)));
});
