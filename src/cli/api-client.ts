import { UserError } from '../errors.js';

/** Talks to a running Strata server with an admin token, turning its error bodies back into UserErrors. */
export class ApiClient {
  constructor(
    readonly url: string,
    private readonly token: string,
    private readonly workspace: string,
  ) {}

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(new URL(path, this.url), {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        'x-strata-workspace': this.workspace,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    if (!response.ok) {
      const error = (parsed as { error?: { code?: string; message?: string; path?: string } } | undefined)?.error;
      throw new UserError(
        error?.code ?? 'server_error',
        `server at ${this.url} answered ${response.status}: ${error?.message ?? text}`,
        error?.path ?? '',
        response.status,
      );
    }
    return parsed as T;
  }
}
