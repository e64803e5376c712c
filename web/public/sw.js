// Showcart's service worker: it shows Web Push notifications and opens their page when tapped.
// It caches nothing: the app is online-only, and a stale app would be worse than none.

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    message = { title: 'Showcart', body: event.data ? event.data.text() : '' };
  }
  const url = typeof message.url === 'string' && message.url.startsWith('/') ? message.url : '/notifications';
  event.waitUntil(self.registration.showNotification(message.title || 'Showcart', {
    body: message.body || '',
    // One per kind on screen: a newer one of the kind replaces the last instead of piling up.
    tag: message.kind || 'showcart',
    renotify: true,
    data: { url, id: message.id },
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL(event.notification.data?.url || '/notifications', self.location.origin).href;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const open = windows.find((w) => w.url === url) || windows.find((w) => new URL(w.url).origin === self.location.origin);
    if (open) {
      if (open.url !== url && 'navigate' in open) await open.navigate(url);
      return open.focus();
    }
    return self.clients.openWindow(url);
  })());
});
