import { AppError } from '@showcart/shared';
import { call } from '../api.ts';

/** Where the service worker is served (web/public/sw.js): its scope is the whole app. */
const WORKER_URL = '/sw.js';

export type TPushState = 'unsupported' | 'denied' | 'off' | 'on';

export const pushSupported = () => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

/** Whether this browser pushes to this account now. */
export const pushState = async (): Promise<TPushState> => {
  if (!pushSupported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'denied';
  const registration = await navigator.serviceWorker.getRegistration(WORKER_URL);
  const subscription = await registration?.pushManager.getSubscription();
  return subscription && Notification.permission === 'granted' ? 'on' : 'off';
};

/**
 * "Allow notifications": asks the browser's permission, registers the service worker,
 * subscribes with the server's VAPID key, and gives the server the subscription.
 */
export const enablePush = async (): Promise<TPushState> => {
  if (!pushSupported()) return 'unsupported';
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return permission === 'denied' ? 'denied' : 'off';
  const { publicKey } = await call('notifications.vapidKey');
  const registration = await navigator.serviceWorker.register(WORKER_URL);
  await navigator.serviceWorker.ready;
  const existing = await registration.pushManager.getSubscription();
  const subscription = existing ?? await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: base64urlToBytes(publicKey),
  }).catch((error: unknown) => {
    // The browser's own push service refused or could not be reached (offline, or a browser without one).
    throw new AppError('UNAVAILABLE', 'Your browser could not reach its push service, so this device gets no pushes for now. Notifications still appear here.', { cause: error });
  });
  const json = subscription.toJSON();
  await call('notifications.subscribePush', {
    body: { endpoint: subscription.endpoint, expirationTime: json.expirationTime ?? null, keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' } },
  });
  return 'on';
};

/** Stops pushes to this browser: the server forgets it, the browser unsubscribes. */
export const disablePush = async (): Promise<TPushState> => {
  const registration = await navigator.serviceWorker.getRegistration(WORKER_URL);
  const subscription = await registration?.pushManager.getSubscription();
  if (subscription) {
    await call('notifications.unsubscribePush', { body: { endpoint: subscription.endpoint } });
    await subscription.unsubscribe();
  }
  return 'off';
};

const base64urlToBytes = (text: string) => {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
};
