import { formatInt, formatPercent } from '../../components/format';
import { personaColour } from './colours';
import { featureLabel, formatMean } from './features';
import type { FeatureInfo, Persona } from './types';

/**
 * One persona: its size and share, and what sets it apart — the features it differs most on, its mean against
 * everyone's (in the features' own units).
 */
export function PersonaCard({
  persona,
  features,
  overall,
  highlighted,
  onHighlight,
  onSave,
}: {
  readonly persona: Persona;
  readonly features: readonly FeatureInfo[];
  /** Everyone's mean per feature. */
  readonly overall: Readonly<Record<string, number>>;
  readonly highlighted: boolean;
  readonly onHighlight: () => void;
  readonly onSave: () => void;
}) {
  const headingId = `persona-${persona.index}`;
  const description = (name: string) => features.find((f) => f.name === name)?.description ?? name;
  return (
    <article className={highlighted ? 'card persona highlighted' : 'card persona'} aria-labelledby={headingId}>
      <header>
        <span className="swatch" style={{ background: personaColour(persona.index) }} aria-hidden="true" />
        <h3 id={headingId}>{persona.name}</h3>
      </header>
      <p className="persona-size">
        <strong>{formatInt(persona.size)}</strong> users · {formatPercent(persona.share)}
      </p>
      <table className="persona-features">
        <thead>
          <tr>
            <th scope="col">Stands out on</th>
            <th scope="col" className="num">
              Persona
            </th>
            <th scope="col" className="num">
              Everyone
            </th>
          </tr>
        </thead>
        <tbody>
          {persona.distinguishing.map((d) => (
            <tr key={d.feature}>
              <th scope="row" title={description(d.feature)}>
                <span className="direction" aria-hidden="true">
                  {d.difference > 0 ? '▲' : '▼'}
                </span>{' '}
                {featureLabel(d.feature)}
                <span className="sr-only">{d.difference > 0 ? ' (higher)' : ' (lower)'}</span>
              </th>
              <td className="num">{formatMean(d.feature, persona.mean)}</td>
              <td className="num muted">{formatMean(d.feature, overall)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="actions">
        <button type="button" className="small" aria-pressed={highlighted} onClick={onHighlight}>
          Highlight on the map
        </button>
        <button type="button" className="small" onClick={onSave}>
          Save as segment…
        </button>
      </div>
    </article>
  );
}
