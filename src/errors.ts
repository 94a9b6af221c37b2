import type { z } from 'zod';

/** A user-fixable problem: a stable code, the dot-path of the offending field and a human message. */
export interface Issue {
  readonly code: string;
  readonly path: string;
  readonly message: string;
}

/**
 * An error the user can fix (bad input, missing file, conflicting state). The CLI prints it without a stack trace and
 * the server answers it with a 4xx status; anything else is an internal error and is reported as one.
 */
export class UserError extends Error {
  readonly issues: readonly Issue[];
  constructor(
    readonly code: string,
    message: string,
    readonly path = '',
    readonly status = 422,
    issues?: readonly Issue[],
  ) {
    super(message);
    this.name = 'UserError';
    this.issues = issues ?? [{ code, path, message }];
  }
}

/** Formats a path of keys and indexes as `batch[2].properties.revenue`. */
export function formatPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** Converts Zod's issues into ours, with codes that say what went wrong rather than how Zod names it. */
export function fromZod(error: z.ZodError, prefix = ''): Issue[] {
  return error.issues.map((issue) => ({
    code: zodCode(issue),
    path: formatPath(issue.path, prefix),
    message: issue.message,
  }));
}

function zodCode(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      // Zod v4 leaves `input` out of issues by default; its message names what it received.
      return /received undefined$/.test(issue.message) ? 'missing_field' : 'invalid_type';
    case 'custom': {
      const code = issue.params?.['code'];
      return typeof code === 'string' ? code : 'invalid_value';
    }
    case 'unrecognized_keys':
      return 'unknown_field';
    case 'invalid_union':
      return 'invalid_value';
    default:
      return issue.code;
  }
}

/** Raises a clear internal error for states the code believes impossible. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`internal error: unexpected ${what} ${JSON.stringify(value)}`);
}
