import { useEffect, useState } from 'react';
import { api } from '../../api/client';

export interface PreviewCount {
  readonly count: number | null;
  readonly counting: boolean;
  readonly error: unknown;
}

/** How long the rule must stay unchanged before it is counted: a slider drag asks once, at its end. */
const SETTLE_MS = 250;

/**
 * The live size of an unsaved rule (`POST /api/segments/preview`), counted by the server. `rule` null waits (an
 * invalid input); a newer rule aborts the request of an older one, so the count shown is always the latest rule's.
 */
export function usePreviewCount(rule: unknown): PreviewCount {
  const [state, setState] = useState<PreviewCount>({ count: null, counting: false, error: undefined });
  const key = JSON.stringify(rule);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the rule.
  useEffect(() => {
    if (rule === null) {
      setState({ count: null, counting: false, error: undefined });
      return;
    }
    const controller = new AbortController();
    setState((previous) => ({ ...previous, counting: true, error: undefined }));
    const timer = setTimeout(() => {
      api.post<{ count: number }>('/api/segments/preview', { rule }, controller.signal).then(
        (answer) => setState({ count: answer.count, counting: false, error: undefined }),
        (error: unknown) => {
          if (!controller.signal.aborted) setState({ count: null, counting: false, error });
        },
      );
    }, SETTLE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [key]);
  return state;
}
