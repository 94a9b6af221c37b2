/** Traits with the time each key was last set, so updates that arrive out of order merge correctly. */
export interface TraitState {
  readonly traits: Readonly<Record<string, unknown>>;
  /** ISO time per key of the message that set it. */
  readonly times: Readonly<Record<string, string>>;
}

export const emptyTraits: TraitState = { traits: {}, times: {} };

/**
 * Merges an update into a trait state: per key, the value with the later message time wins; on equal times the
 * update (which arrived later) wins. Keys not in the update are kept.
 */
export function mergeTraits(state: TraitState, update: Readonly<Record<string, unknown>>, at: Date): TraitState {
  const iso = at.toISOString();
  const traits: Record<string, unknown> = { ...state.traits };
  const times: Record<string, string> = { ...state.times };
  for (const [key, value] of Object.entries(update)) {
    const previous = times[key];
    if (previous !== undefined && previous > iso) continue;
    traits[key] = value;
    times[key] = iso;
  }
  return { traits, times };
}

/** Merges two whole states key by key (used when an anonymous visitor or an old user id joins a profile). */
export function mergeStates(into: TraitState, from: TraitState): TraitState {
  let out = into;
  for (const [key, value] of Object.entries(from.traits)) {
    const time = from.times[key];
    out = mergeTraits(out, { [key]: value }, time ? new Date(time) : new Date(0));
  }
  return out;
}
