import type { ReactNode } from 'react';
import { ApiError, messageOf } from '../api/client';

/** A placeholder while data loads; `role=status` lets assistive tech and tests notice it. */
export function Loading({ what = 'Loading' }: { readonly what?: string }) {
  return (
    <p className="state loading" role="status" aria-live="polite">
      {what}…
    </p>
  );
}

/** An error in words, with the API's code and field when there is one, and a retry when it makes sense. */
export function ErrorMessage({ error, retry }: { readonly error: unknown; readonly retry?: () => void }) {
  const api = error instanceof ApiError ? error : null;
  return (
    <div className="state error" role="alert">
      <p>
        <strong>{api?.status === 0 ? 'No connection.' : 'Something went wrong.'}</strong> {messageOf(error)}
      </p>
      {api && api.status !== 0 ? (
        <p className="muted small">
          {api.code}
          {api.path ? ` at ${api.path}` : ''} (HTTP {api.status})
        </p>
      ) : null}
      {retry ? (
        <button type="button" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

/** What to show when there is nothing yet, with the next step to take. */
export function Empty({ title, children }: { readonly title: string; readonly children?: ReactNode }) {
  return (
    <div className="state empty">
      <p>
        <strong>{title}</strong>
      </p>
      {children}
    </div>
  );
}

/** Loading, error or content for one `useApi` result. */
export function Loaded<T>({
  result,
  what,
  children,
}: {
  readonly result: { data: T | undefined; error: unknown; loading: boolean; reload: () => void };
  readonly what?: string;
  readonly children: (data: T) => ReactNode;
}) {
  if (result.error !== undefined) return <ErrorMessage error={result.error} retry={result.reload} />;
  if (result.data === undefined) return <Loading {...(what ? { what } : {})} />;
  return <>{children(result.data)}</>;
}
