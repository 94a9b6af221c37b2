import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { Preview, Rule } from './rule-types';

const PAUSE_MS = 400;

export interface LiveCount {
  /** The latest count, kept on screen while the next one is computed. */
  readonly preview: Preview | null;
  /** The rule that count is for (JSON), to tell a current count from an outdated one. */
  readonly forRule: string | null;
  readonly counting: boolean;
  readonly error: unknown;
}

/**
 * The members a valid rule has now: `POST /api/segments/preview` after a pause in editing, the previous request
 * aborted when the rule changes. Only rules the server called valid are counted, so the preview never fails on input.
 */
export function useLiveCount(rule: Rule | null): LiveCount {
  const key = rule === null ? null : JSON.stringify(rule);
  const [state, setState] = useState<LiveCount>({ preview: null, forRule: null, counting: false, error: undefined });

  useEffect(() => {
    if (key === null) {
      setState((previous) => ({ ...previous, counting: false, error: undefined }));
      return;
    }
    const controller = new AbortController();
    setState((previous) => ({ ...previous, counting: true, error: undefined }));
    const timer = window.setTimeout(() => {
      api.post<Preview>('/api/segments/preview', { rule: JSON.parse(key) as Rule }, controller.signal).then(
        (preview) => setState({ preview, forRule: key, counting: false, error: undefined }),
        (error: unknown) => {
          if (!controller.signal.aborted) setState((previous) => ({ ...previous, counting: false, error }));
        },
      );
    }, PAUSE_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [key]);

  return state;
}
