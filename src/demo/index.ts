/**
 * The deterministic demo: a two-year history of an online shop with a SaaS side and B2B accounts, as Segment-spec
 * messages, with planted behaviours (personas) that later analyses can be checked against. See docs/demo.md.
 */

import type { DemoOptions } from './options.js';
import type { Persona } from './personas.js';
import { personaAt } from './personas.js';

export { generateDemo } from './generator.js';
export type { DemoProgress, DemoSummary, LoadDemoOptions } from './load.js';
export { loadDemo } from './load.js';
export type { DemoOptions } from './options.js';
export { DEFAULT_DEMO_USERS } from './options.js';
export type { Persona } from './personas.js';
export { personaCounts, personas } from './personas.js';
export { demoUserId } from './user-journey.js';

/** The persona planted in user `userIndex`: ground truth for tests, computed without generating anything. */
export function personaOf(options: DemoOptions, userIndex: number): Persona {
  return personaAt(options.seed, userIndex);
}
