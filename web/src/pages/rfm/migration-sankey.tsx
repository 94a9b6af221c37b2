import { Chart, type ChartOption } from '../../components/chart';
import { formatInt, formatPercent } from '../../components/format';
import type { TraitMigration } from './types';

// A node per group and side: a Sankey cannot draw a group flowing into itself, and "from" and "to" are two columns.
const fromNode = (group: string) => `${group} ·`;
const toNode = (group: string) => `· ${group}`;

/** How customers moved between RFM groups from one date to the other, as a Sankey and as the top moves. */
export function MigrationSankey({ migration }: { readonly migration: TraitMigration }) {
  const links = migration.matrix.flatMap((row, i) =>
    row.flatMap((users, j) => {
      const source = migration.groups[i];
      const target = migration.groups[j];
      return users > 0 && source !== undefined && target !== undefined
        ? [{ source: fromNode(source), target: toNode(target), value: users, from: source, to: target }]
        : [];
    }),
  );
  const used = new Set(links.flatMap((link) => [link.source, link.target]));
  const nodes = migration.groups.flatMap((g) => [fromNode(g), toNode(g)]).filter((name) => used.has(name));
  const option: ChartOption = {
    tooltip: { trigger: 'item' },
    series: [
      {
        type: 'sankey',
        data: nodes.map((name) => ({ name })),
        links,
        emphasis: { focus: 'adjacency' },
        nodeAlign: 'justify',
        lineStyle: { color: 'gradient', curveness: 0.5, opacity: 0.35 },
        label: { fontSize: 11 },
        left: 10,
        right: 130,
      },
    ],
  };
  const moves = links
    .filter((link) => link.from !== link.to)
    .sort((a, b) => b.value - a.value)
    .slice(0, 6);
  const stayed = links.filter((link) => link.from === link.to).reduce((n, link) => n + link.value, 0);
  return (
    <>
      <Chart option={option} height={460} label="Sankey of customers moving between RFM groups" />
      <p className="muted small">
        {formatInt(migration.total)} customers; {formatPercent(migration.total ? stayed / migration.total : 0)} stayed
        in their group.
      </p>
      {moves.length > 0 ? (
        <table aria-label="Largest moves">
          <thead>
            <tr>
              <th>From</th>
              <th>To</th>
              <th className="num">Customers</th>
            </tr>
          </thead>
          <tbody>
            {moves.map((move) => (
              <tr key={`${move.from}→${move.to}`}>
                <td>{move.from}</td>
                <td>{move.to}</td>
                <td className="num">{formatInt(move.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
