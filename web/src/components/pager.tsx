import { formatInt } from './format';

/** Previous / next over a server-side list, with where we are in it. */
export function Pager({
  offset,
  limit,
  total,
  onChange,
  label = 'Pages',
}: {
  readonly offset: number;
  readonly limit: number;
  /** The list's length when the API tells it; without it, "next" stays on while a page comes back full. */
  readonly total: number | null;
  readonly onChange: (offset: number) => void;
  readonly label?: string;
}) {
  const end = total === null ? offset + limit : Math.min(offset + limit, total);
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - limit))}>
        ← Previous
      </button>
      <span>
        {total === 0
          ? 'none'
          : `${formatInt(offset + 1)}–${formatInt(end)}${total === null ? '' : ` of ${formatInt(total)}`}`}
      </span>
      <button
        type="button"
        disabled={total !== null && offset + limit >= total}
        onClick={() => onChange(offset + limit)}
      >
        Next →
      </button>
    </nav>
  );
}
