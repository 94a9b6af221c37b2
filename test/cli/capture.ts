import { main } from '../../src/cli/main.js';
import type { Output } from '../../src/cli/output.js';

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process, capturing what it prints. */
export async function strata(...args: string[]): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const out: Output = {
    json: (value) => {
      stdout += `${JSON.stringify(value)}\n`;
    },
    line: (text = '') => {
      stdout += `${text}\n`;
    },
    error: (text) => {
      stderr += `${text}\n`;
    },
    isTTY: false,
  };
  const code = await main(['node', 'strata', ...args], out);
  return { code, stdout, stderr };
}
