import { useState } from 'react';
import type { Fitting } from '../../components/use-fit';

const K_CHOICES = ['auto', ...Array.from({ length: 11 }, (_, i) => String(i + 2))];

/** The number of personas to fit (automatic: the best mean silhouette for k = 2..8) and the button that fits. */
export function FitControls({
  fitting,
  initialK,
  action,
}: {
  readonly fitting: Fitting;
  readonly initialK: number | 'auto';
  readonly action: string;
}) {
  const [k, setK] = useState(String(initialK));
  return (
    <form
      className="actions"
      onSubmit={(event) => {
        event.preventDefault();
        void fitting.fit({ k: k === 'auto' ? 'auto' : Number(k) });
      }}
    >
      <label className="inline">
        Number of personas
        <select value={k} onChange={(event) => setK(event.target.value)} disabled={fitting.fitting}>
          {K_CHOICES.map((choice) => (
            <option key={choice} value={choice}>
              {choice === 'auto' ? 'automatic' : choice}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="primary" disabled={fitting.fitting}>
        {action}
      </button>
    </form>
  );
}
