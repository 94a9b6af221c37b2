import type { ApiClient } from '../api-client.js';
import type { CommandContext } from '../program.js';
import { withStore } from '../store-access.js';

/** Helpers the `segment` commands share. */

export const seg = (idOrName: string) => `/api/segments/${encodeURIComponent(idOrName)}`;
export const asOfQuery = (asOf?: Date) => (asOf ? `asOf=${encodeURIComponent(asOf.toISOString())}` : '');

/** A query string from the options that are set. */
export const queryString = (params: Record<string, string | number | Date | undefined>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    search.set(key, value instanceof Date ? value.toISOString() : String(value));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
};

/** A user id or name for a text table: control characters (a newline) would break the layout, so they are quoted. */
const hasControl = (text: string) => [...text].some((ch) => ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127);
export const shown = (text: string) => (hasControl(text) ? JSON.stringify(text) : text);

/** Runs a command on the file, or through the running server when `remote` is given and a server holds it. */
export async function run<T>(
  ctx: CommandContext,
  what: string,
  local: Parameters<typeof withStore<T>>[2]['local'],
  remote?: (c: ApiClient) => Promise<T>,
) {
  return withStore<T>(ctx.options, what, remote ? { local, remote } : { local });
}
