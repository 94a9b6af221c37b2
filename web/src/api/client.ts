import { currentKey, signOut } from './session';

/** One issue of an API error: the code, the path of the offending field and a message (docs/api.md). */
export interface ApiIssue {
  readonly code: string;
  readonly path?: string;
  readonly message: string;
}

/** An error answered by the API, or a network failure (status 0), in words a user can act on. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path: string | undefined,
    readonly issues: readonly ApiIssue[],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Every issue, the top-level one included when the API sent no list. */
  allIssues(): readonly ApiIssue[] {
    if (this.issues.length > 0) return this.issues;
    return [{ code: this.code, message: this.message, ...(this.path ? { path: this.path } : {}) }];
  }
}

export type Query = Record<string, string | number | boolean | undefined | null | readonly string[]>;

/** `/api/x` with the query's defined values, arrays repeated (`segments=a&segments=b`). */
export function apiUrl(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const item of value) params.append(name, String(item));
    else params.set(name, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

async function errorOf(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's page, say): the status line is all there is.
  }
  const error = (body as { error?: { code?: string; message?: string; path?: string; issues?: ApiIssue[] } } | null)
    ?.error;
  return new ApiError(
    response.status,
    error?.code ?? `http_${response.status}`,
    error?.message ?? `${response.status} ${response.statusText}`,
    error?.path,
    error?.issues ?? [],
  );
}

/** A fetch with the admin key; a 401 signs the browser out so the sign-in page asks for a key again. */
async function send(
  method: string,
  url: string,
  body?: unknown,
  signal?: AbortSignal,
  key = currentKey(),
): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (key) headers['authorization'] = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, 'network', 'The Strata server did not answer: is `strata serve` running?', undefined, []);
  }
  if (response.status === 401) signOut();
  if (!response.ok) throw await errorOf(response);
  return response;
}

export const api = {
  /** A GET with a key that is not (yet) the session's: the sign-in form checks a key before keeping it. */
  async check<T>(path: string, key: string): Promise<T> {
    return (await (await send('GET', path, undefined, undefined, key)).json()) as T;
  },
  async get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return (await (await send('GET', apiUrl(path, query), undefined, signal)).json()) as T;
  },
  async post<T>(path: string, body: unknown = {}, signal?: AbortSignal): Promise<T> {
    return (await (await send('POST', path, body, signal)).json()) as T;
  },
  async put<T>(path: string, body: unknown): Promise<T> {
    return (await (await send('PUT', path, body)).json()) as T;
  },
  async patch<T>(path: string, body: unknown): Promise<T> {
    return (await (await send('PATCH', path, body)).json()) as T;
  },
  async del<T>(path: string): Promise<T> {
    return (await (await send('DELETE', path)).json()) as T;
  },
  /**
   * Saves what a GET answers as a file. The key travels in a header, never in a URL, so the download goes through
   * fetch and a blob rather than a plain link.
   */
  async download(path: string, query: Query, filename: string): Promise<number> {
    const blob = await (await send('GET', apiUrl(path, query))).blob();
    const href = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = href;
    link.download = filename;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(href), 10_000);
    return blob.size;
  },
};

/** The message to show for anything thrown by an API call. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
