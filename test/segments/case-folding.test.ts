import { type FixtureCase, runFixtures } from './harness/fixtures.js';
import type { Seed } from './harness/seed.js';
import { forEachEngine } from './harness/suite.js';

/**
 * Case-insensitive text operators beyond ASCII. Both sides fold one code point at a time with the simple Unicode
 * mapping (what SQL `lower()` does): Σ is always σ, İ is i, ẞ is ß; nothing is normalised or expanded.
 *
 * Known gap (not exercised): characters whose lower-case form is newer than the engine's Unicode tables (e.g. the
 * Unicode 16 additions U+1C89, U+A7CB, U+10D50…) fold in the evaluator but not in DuckDB 1.x.
 */

const names: Record<string, string> = {
  upperGreek: 'ΟΔΟΣ',
  lowerGreek: 'οδος',
  turkishUpper: 'İSTANBUL',
  plainIst: 'istanbul',
  dotless: 'ısparta',
  upperSs: 'STRASSE',
  sharpS: 'straße',
  capitalSharpS: 'STRAẞE',
  kelvin: '\u212Aelvin',
  titlecase: 'ǅemal',
  emoji: '👩‍💻 Dev',
  combining: 'E\u0301COLE',
};
const seed: Seed = { profiles: Object.entries(names).map(([id, name]) => ({ id, traits: { name } })) };
const name = (op: string, value: string) => ({ type: 'trait', trait: 'name', op, value });

const cases: FixtureCase[] = [
  { name: 'capital sigma folds to σ, never ς', rule: name('contains', 'ΟΔΟΣ'), expect: ['upperGreek'] },
  { name: 'final sigma is its own letter', rule: name('contains', 'οδος'), expect: ['lowerGreek'] },
  { name: 'ends_with Σ', rule: name('ends_with', 'Σ'), expect: ['upperGreek'] },
  { name: 'İ folds to i', rule: name('contains', 'İst'), expect: ['turkishUpper', 'plainIst'] },
  { name: 'I folds to i, not ı', rule: name('starts_with', 'I'), expect: ['turkishUpper', 'plainIst'] },
  { name: 'dotless ı stays', rule: name('contains', 'ı'), expect: ['dotless'] },
  { name: 'ẞ folds to ß; SS is not ß', rule: name('contains', 'ß'), expect: ['sharpS', 'capitalSharpS'] },
  { name: 'ss is not ß', rule: name('contains', 'SS'), expect: ['upperSs'] },
  { name: 'the Kelvin sign folds to k', rule: name('starts_with', 'k'), expect: ['kelvin'] },
  { name: 'title-case digraphs fold', rule: name('starts_with', 'Ǆ'), expect: ['titlecase'] },
  { name: 'emoji sequences', rule: name('contains', '👩‍💻 dEV'), expect: ['emoji'] },
  { name: 'no normalisation: é is not e + U+0301', rule: name('contains', 'é'), expect: [] },
  { name: 'combining marks match themselves', rule: name('starts_with', 'e\u0301'), expect: ['combining'] },
  {
    name: 'not_contains is the exact negation',
    rule: name('not_contains', 'ΟΔΟΣ'),
    expect: Object.keys(names).filter((id) => id !== 'upperGreek'),
  },
  { name: '= stays case-sensitive', rule: name('=', 'ΟΔΟΣ'), expect: ['upperGreek'] },
  { name: 'order is by code point, not by UTF-16 unit', rule: name('>', '\uFF3A'), expect: ['emoji'] },
];

forEachEngine('case folding', (suite) => {
  runFixtures(suite, 'case-insensitive text beyond ASCII', seed, cases);
});
