import { useEffect, useState } from 'react';
import { api } from '../api/client';

export interface Fitting {
  readonly fit: (body: unknown) => Promise<boolean>;
  readonly fitting: boolean;
  /** Whole seconds since the fit started, so a long fit visibly progresses. */
  readonly elapsed: number;
  readonly error: unknown;
}

/**
 * Fitting a model is one long POST (seconds on a million users) with no progress to poll, so the page shows the time
 * spent instead; the answer (or the reason the data cannot support the model) arrives when it is done.
 */
export function useFit(kind: 'cluster' | 'churn' | 'clv', onFitted: () => void): Fitting {
  const [fitting, setFitting] = useState(false);
  const [elapsed, setElapsed] = useState(0);
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {
    if (!fitting) return;
    const started = Date.now();
    setElapsed(0);
    const timer = setInterval(() => setElapsed(Math.floor((Date.now() - started) / 1000)), 1000);
    return () => clearInterval(timer);
  }, [fitting]);

  const fit = async (body: unknown) => {
    setFitting(true);
    setError(undefined);
    try {
      await api.post(`/api/models/${kind}`, body);
      onFitted();
      return true;
    } catch (caught) {
      setError(caught);
      return false;
    } finally {
      setFitting(false);
    }
  };
  return { fit, fitting, elapsed, error };
}
