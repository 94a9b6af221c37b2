import { formatNumber } from '../../components/format';
import type { ExplainNode } from './types';

/** A value the user's data held, as the rule would read it: strings quoted, missing said in words. */
function formatActual(value: unknown): string {
  if (value === null || value === undefined) return 'missing';
  if (typeof value === 'number') return formatNumber(value);
  return JSON.stringify(value);
}

/** What a node tested, in words; the API's `detail` names the trait or the counted events. */
function describe(node: ExplainNode): string {
  switch (node.node) {
    case 'and':
      return 'All of these';
    case 'or':
      return 'Any of these';
    case 'not':
      return 'Not this';
    case 'value':
      return `${node.detail} is ${formatActual(node.actual)}${node.expected ? `; the rule asks ${node.expected}` : ''}`;
    case 'count':
      return `${node.detail}: the user has ${formatActual(node.actual)}`;
    case 'aggregate':
      return `${node.detail}: the user's is ${formatActual(node.actual)}`;
    default:
      return node.detail;
  }
}

function Verdict({ result }: { readonly result: boolean }) {
  return result ? <span className="badge good">✓ true</span> : <span className="badge bad">✗ false</span>;
}

function Node({ node }: { readonly node: ExplainNode }) {
  return (
    <li>
      <div className="explain-node">
        <Verdict result={node.result} />
        <span>{describe(node)}</span>
      </div>
      {node.children && node.children.length > 0 ? (
        <ul>
          {node.children.map((child, index) => (
            // Children have no identity but their place in the rule, which does not change.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            <Node key={index} node={child} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/** The rule as evaluated for one user: every node with what the user's data held and whether it held. */
export function ExplainTree({ root }: { readonly root: ExplainNode }) {
  return (
    <ul className="explain-tree" aria-label="Rule evaluation">
      <Node node={root} />
    </ul>
  );
}
