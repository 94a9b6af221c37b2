/** Traits with the time each key was last set, so updates that arrive out of order merge correctly. */
export interface TraitState {
  readonly traits: Readonly<Record<string, unknown>>;
  /** ISO time per key of the message that set it. */
  readonly times: Readonly<Record<string, string>>;
}

export const emptyTraits: TraitState = { traits: {}, times: {} };

/**
 * A copy with no prototype: user keys such as `constructor` or `__proto__` are then plain keys, never inherited
 * members or the prototype setter.
 */
function own<T>(source: Readonly<Record<string, T>>): Record<string, T> {
  const copy = Object.create(null) as Record<string, T>;
  for (const key of Object.keys(source)) copy[key] = source[key] as T;
  return copy;
}

/**
 * Merges an update into a trait state: per key, the value with the later message time wins; on equal times the
 * update (which arrived later) wins. Keys not in the update are kept.
 */
export function mergeTraits(state: TraitState, update: Readonly<Record<string, unknown>>, at: Date): TraitState {
  const iso = at.toISOString();
  const traits = own(state.traits);
  const times = own(state.times);
  for (const key of Object.keys(update)) {
    const previous = times[key];
    if (previous !== undefined && previous > iso) continue;
    traits[key] = update[key];
    times[key] = iso;
  }
  return { traits, times };
}

/** Merges two whole states key by key (used when an anonymous visitor or an old user id joins a profile). */
export function mergeStates(into: TraitState, from: TraitState): TraitState {
  let out = into;
  for (const key of Object.keys(from.traits)) {
    const time = Object.hasOwn(from.times, key) ? from.times[key] : undefined;
    out = mergeTraits(out, { [key]: from.traits[key] }, time ? new Date(time) : new Date(0));
  }
  return out;
}
