import { formatInt } from '../../../components/format';
import type { InputProps } from '../field';
import { useCatalogContext } from '../use-catalog';

/** Picks an event name from the catalog (with how often it happened); a name the catalog lacks stays choosable. */
export function EventSelect({
  input,
  value,
  onChange,
}: {
  readonly input: InputProps;
  readonly value: string;
  readonly onChange: (event: string) => void;
}) {
  const { catalog } = useCatalogContext();
  const known = catalog.events.some((event) => event.name === value);
  return (
    <select {...input} value={value} onChange={(event) => onChange(event.target.value)}>
      {known ? null : <option value={value}>{value === '' ? '(choose an event)' : `${value} (not seen)`}</option>}
      {catalog.events.map((event) => (
        <option key={event.name} value={event.name}>
          {event.name} ({formatInt(event.count)})
        </option>
      ))}
    </select>
  );
}
