import { ErrorMessage } from './states';
import type { Fitting } from './use-fit';

/** While a fit runs, how long it has taken; after a failed one, why. */
export function FitStatus({ fitting, what }: { readonly fitting: Fitting; readonly what: string }) {
  if (fitting.fitting) {
    return (
      <p className="state loading" role="status" aria-live="polite">
        Fitting {what}… {fitting.elapsed > 0 ? `${fitting.elapsed} s` : ''}
        <span className="small muted"> It reads every user's behaviour, which takes a while on large workspaces.</span>
      </p>
    );
  }
  if (fitting.error !== undefined) return <ErrorMessage error={fitting.error} />;
  return null;
}
