import type { ClusterProfile, FeatureDifference } from './profile.js';

/** Words for a feature: `high` describes a cluster above everyone else on it, `low` one below. */
export interface FeatureWords {
  readonly feature: string;
  readonly high: string;
  readonly low: string;
}

/** Options of {@link nameClusters}. */
export interface NamingOptions {
  /** A feature describes a cluster only when its |standardised difference| exceeds this. Default 0.25. */
  readonly threshold?: number;
  /** Features in a name before collisions force more. Default 2. */
  readonly maxFeatures?: number;
  /** What the rows are, for clusters that stand out on nothing: "typical customers". Default 'customers'. */
  readonly noun?: string;
}

/**
 * A descriptive, unique name per profile (same order): the words of its 1–2 most distinguishing features, e.g.
 * "frequent buyers, high spend"; "typical <noun>" when no feature differs by more than the threshold. Clusters whose
 * names collide get their next distinguishing feature added, and a number when they have none left. Features without
 * words are described as "high <name>" / "low <name>".
 */
export function nameClusters(
  profiles: readonly ClusterProfile[],
  vocabulary: readonly FeatureWords[],
  options: NamingOptions = {},
): string[] {
  const threshold = options.threshold ?? 0.25;
  const maxFeatures = options.maxFeatures ?? 2;
  const noun = options.noun ?? 'customers';
  const words = new Map(vocabulary.map((entry) => [entry.feature, entry]));
  const describe = (difference: FeatureDifference): string => {
    const entry = words.get(difference.name);
    if (difference.difference > 0) return entry?.high ?? `high ${difference.name}`;
    return entry?.low ?? `low ${difference.name}`;
  };

  const candidates = profiles.map((profile) =>
    profile.differences.filter((difference) => Math.abs(difference.difference) > threshold).map(describe),
  );
  const used = candidates.map((phrases) => Math.min(maxFeatures, phrases.length));
  const nameOf = (c: number): string => {
    const count = used[c] as number;
    return count === 0 ? `typical ${noun}` : (candidates[c] as string[]).slice(0, count).join(', ');
  };

  let names = profiles.map((_, c) => nameOf(c));
  for (;;) {
    let extended = false;
    for (const group of collisions(names)) {
      for (const c of group) {
        if ((used[c] as number) < (candidates[c] as string[]).length) {
          used[c] = (used[c] as number) + 1;
          extended = true;
        }
      }
    }
    if (!extended) break;
    names = profiles.map((_, c) => nameOf(c));
  }

  // Still colliding: the first keeps the name, the others are numbered from 2.
  const taken = new Set(names);
  for (const group of collisions(names)) {
    const base = names[group[0] as number] as string;
    let number = 2;
    for (const c of group.slice(1)) {
      while (taken.has(`${base} ${number}`)) number++;
      names[c] = `${base} ${number}`;
      taken.add(names[c]);
    }
  }
  return names;
}

/** Indexes sharing a name, per name used more than once, in index order. */
function collisions(names: readonly string[]): number[][] {
  const byName = new Map<string, number[]>();
  names.forEach((name, c) => {
    const group = byName.get(name);
    if (group) group.push(c);
    else byName.set(name, [c]);
  });
  return [...byName.values()].filter((group) => group.length > 1);
}
