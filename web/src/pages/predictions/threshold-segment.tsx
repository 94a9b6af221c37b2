import { type FormEvent, useId, useState } from 'react';
import { ApiError, api } from '../../api/client';
import { formatInt, formatPercent } from '../../components/format';
import { ErrorMessage } from '../../components/states';
import { Link } from '../../router';
import { type OutputInfo, opWord, roundToStep } from './outputs';
import type { Threshold, ThresholdOp } from './types';
import { usePreviewCount } from './use-preview-count';

export const thresholdRule = (trait: string, threshold: Threshold) => ({
  type: 'trait',
  trait,
  op: threshold.op,
  value: threshold.value,
});

/**
 * "Save as segment at a chosen threshold": a direction, a slider and a number for the threshold, the live count of
 * users it selects (counted by the segment engine, so it is the size the segment will have), a name, and save.
 */
export function ThresholdSegment({
  info,
  threshold,
  onChange,
  range,
  scored,
}: {
  readonly info: OutputInfo;
  readonly threshold: Threshold;
  readonly onChange: (threshold: Threshold) => void;
  readonly range: { readonly max: number; readonly step: number };
  /** Users the model scored: the share's denominator. */
  readonly scored: number;
}) {
  const [text, setText] = useState(String(threshold.value));
  const [name, setName] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState<{ id: string; name: string } | null>(null);
  const ids = { text: useId(), hint: useId(), nameError: useId() };

  const parsed = text.trim() === '' ? Number.NaN : Number(text);
  const valid = Number.isFinite(parsed);
  const preview = usePreviewCount(valid ? thresholdRule(info.output, threshold) : null);
  const defaultName = `${info.label} ${opWord(threshold.op)} ${threshold.value}`;
  const segmentName = name ?? defaultName;

  const setValue = (value: string) => {
    setText(value);
    setSaved(null);
    const number = Number(value);
    if (value.trim() !== '' && Number.isFinite(number)) onChange({ ...threshold, value: number });
  };
  const setOp = (op: ThresholdOp) => {
    setSaved(null);
    onChange({ ...threshold, op });
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(undefined);
    try {
      const created = await api.post<{ id: string; name: string }>('/api/segments', {
        name: segmentName.trim(),
        description: `Users whose ${info.noun} is ${opWord(threshold.op)} ${threshold.value} (${info.kind} model)`,
        rule: thresholdRule(info.output, threshold),
      });
      setSaved(created);
    } catch (caught) {
      setError(caught);
    } finally {
      setSaving(false);
    }
  };

  const nameProblem = error instanceof ApiError && error.allIssues().find((issue) => issue.path === 'name');
  return (
    <form className="threshold" onSubmit={(event) => void submit(event)} aria-label={`Save ${info.label} segment`}>
      <div className="threshold-inputs">
        <label>
          Users whose {info.noun} is
          <select value={threshold.op} onChange={(event) => setOp(event.target.value as ThresholdOp)}>
            <option value=">=">at least</option>
            <option value="<">below</option>
          </select>
        </label>
        <label className="threshold-slider">
          <span className="sr-only">{info.label} threshold slider</span>
          <input
            type="range"
            min={0}
            max={range.max}
            step={range.step}
            value={valid ? Math.min(parsed, range.max) : 0}
            onChange={(event) => setValue(String(roundToStep(Number(event.target.value), range.step)))}
            aria-valuetext={info.format(threshold.value)}
          />
        </label>
        <label htmlFor={ids.text}>
          Threshold
          <input
            id={ids.text}
            type="number"
            min={0}
            step="any"
            value={text}
            onChange={(event) => setValue(event.target.value)}
            aria-invalid={valid ? undefined : true}
            aria-describedby={valid ? undefined : ids.hint}
            className="threshold-number"
          />
        </label>
      </div>
      {valid ? null : (
        <p id={ids.hint} className="field-error">
          Enter a number.
        </p>
      )}
      <p className="threshold-count" role="status" aria-live="polite">
        {preview.count === null ? (
          preview.counting ? (
            'Counting…'
          ) : (
            '–'
          )
        ) : (
          <>
            <strong className="live-count">{formatInt(preview.count)}</strong> users ·{' '}
            <span className="live-share">{formatPercent(preview.count / Math.max(scored, 1))}</span> of the{' '}
            {formatInt(scored)} scored{preview.counting ? ' (counting…)' : ''}
          </>
        )}
      </p>
      {preview.error !== undefined ? <ErrorMessage error={preview.error} /> : null}
      <div className="threshold-save">
        <label>
          Segment name
          <input
            value={segmentName}
            onChange={(event) => setName(event.target.value)}
            required
            aria-invalid={nameProblem ? true : undefined}
            aria-describedby={nameProblem ? ids.nameError : undefined}
          />
        </label>
        <button type="submit" className="primary" disabled={saving || !valid || segmentName.trim() === ''}>
          {saving ? 'Saving…' : 'Save as segment'}
        </button>
      </div>
      {nameProblem ? (
        <p id={ids.nameError} className="field-error">
          {nameProblem.message}
        </p>
      ) : null}
      {error !== undefined && !nameProblem ? <ErrorMessage error={error} /> : null}
      {saved ? (
        <p role="status">
          Saved. <Link href={`/segments/${encodeURIComponent(saved.id)}`}>Open the segment “{saved.name}”</Link>
        </p>
      ) : null}
    </form>
  );
}
