import { useCallback, useEffect, useState } from 'react';
import { api, type Query } from './client';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  /** Fetches again, keeping the current data on screen until the answer arrives. */
  readonly reload: () => void;
}

/**
 * A GET that follows its path and query: the previous request is aborted when they change, so a slow answer never
 * overwrites a newer one. `path` null waits (for a choice the user has not made yet).
 */
export function useApi<T>(path: string | null, query: Query = {}): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: path !== null,
  });
  const [generation, setGeneration] = useState(0);
  const key = path === null ? null : `${path}?${JSON.stringify(query)}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for path and query.
  useEffect(() => {
    if (path === null) {
      setState({ data: undefined, error: undefined, loading: false });
      return;
    }
    const controller = new AbortController();
    setState((previous) => ({ ...previous, error: undefined, loading: true }));
    api.get<T>(path, query, controller.signal).then(
      (data) => setState({ data, error: undefined, loading: false }),
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ data: undefined, error, loading: false });
      },
    );
    return () => controller.abort();
  }, [key, generation]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { ...state, reload };
}
