/**
 * The admin key the dashboard signs in with. It arrives once in the URL fragment (`/#key=…`, which browsers never
 * send to the server), is kept in this browser's local storage, and is removed from the address bar at once so it
 * does not linger in history or screenshots.
 */
const STORAGE_KEY = 'strata.adminKey';

export function takeKeyFromUrl(): void {
  const hash = new URLSearchParams(window.location.hash.slice(1));
  const key = hash.get('key');
  if (!key) return;
  localStorage.setItem(STORAGE_KEY, key);
  hash.delete('key');
  const rest = hash.toString();
  window.history.replaceState(null, '', window.location.pathname + window.location.search + (rest ? `#${rest}` : ''));
}

export const currentKey = (): string | null => localStorage.getItem(STORAGE_KEY);

export function signIn(key: string): void {
  localStorage.setItem(STORAGE_KEY, key.trim());
  window.dispatchEvent(new Event('strata:session'));
}

export function signOut(): void {
  localStorage.removeItem(STORAGE_KEY);
  window.dispatchEvent(new Event('strata:session'));
}
