import type { Explanation } from '../../segments/evaluate.js';
import type { MemberExplanation } from '../../segments/query.js';

/** Prints an explanation as an indented tree: ✓/✗, what was tested and what the rule asks, and the user's value. */
export function printExplanation(result: MemberExplanation, print: (text: string) => void): void {
  print(
    `${result.userId} is ${result.member ? '' : 'NOT '}in "${result.segment}" as of ${new Date(result.asOf).toISOString()}`,
  );
  const walk = (node: Explanation, depth: number) => {
    const expected = node.expected === undefined ? '' : ` ${node.expected}`;
    const actual = node.actual === undefined ? '' : `  (value: ${JSON.stringify(node.actual)})`;
    print(`${'  '.repeat(depth)}${node.result ? '✓' : '✗'} ${node.detail}${expected}${actual}`);
    for (const child of node.children ?? []) walk(child, depth + 1);
  };
  walk(result.explanation, 1);
}
