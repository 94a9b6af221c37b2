import { assertNever } from '../errors.js';
import type { IrNode, SegmentIr } from '../segments/ir/nodes.js';

/** What a lowered segment reads, so real-time evaluation re-checks it only when one of these changes. */
export interface Dependencies {
  /** Event names read by event leaves. */
  readonly events: ReadonlySet<string>;
  /** Top-level profile trait keys. */
  readonly traits: ReadonlySet<string>;
  /** Reads account traits: a `group` call can change it for every user of the account. */
  readonly accounts: boolean;
  /** Reads first/last seen: any event can change it. */
  readonly anyEvent: boolean;
  /** Static segments whose uploaded list it reads. */
  readonly statics: ReadonlySet<string>;
}

export function dependenciesOf(ir: SegmentIr): Dependencies {
  const deps = {
    events: new Set<string>(),
    traits: new Set<string>(),
    accounts: false,
    anyEvent: false,
    statics: new Set<string>(),
  };
  const walk = (node: IrNode): void => {
    switch (node.kind) {
      case 'and':
      case 'or':
        node.children.forEach(walk);
        return;
      case 'not':
        walk(node.child);
        return;
      case 'const':
        return;
      case 'value':
        if (node.ref.source === 'trait') deps.traits.add(node.ref.path[0] as string);
        else if (node.ref.source === 'account') deps.accounts = true;
        else deps.anyEvent = true;
        return;
      case 'count':
      case 'aggregate':
        deps.events.add(node.select.event);
        return;
      case 'sequence':
        for (const step of node.steps) deps.events.add(step.event);
        return;
      case 'static':
        deps.statics.add(node.segmentId);
        return;
      default:
        assertNever(node, 'IR node');
    }
  };
  walk(ir.root);
  return deps;
}

/** What one write changed, as the writer reports it. */
export interface Touched {
  /** Users whose events, traits or account link changed. */
  readonly users: ReadonlySet<string>;
  /** Names of the events newly stored. */
  readonly eventNames: ReadonlySet<string>;
  /** Top-level trait keys set on some user. */
  readonly traitKeys: ReadonlySet<string>;
  /** Accounts whose traits changed: their users are touched too. */
  readonly accounts: ReadonlySet<string>;
  /**
   * Users that appeared or whose identity changed (new profile, anonymous history linked, alias): any segment may
   * change for them, even one that reads nothing they did (a rule of negations holds for a new user).
   */
  readonly anyChange: ReadonlySet<string>;
  /**
   * The latest time of the events written. Rules count events up to their evaluation time, so an event stamped
   * ahead of the clock (clients may be up to 24 h ahead) is evaluated again once its time has come.
   */
  readonly latestEvent: Date | null;
}

/** Does a write that touched `touched` possibly change membership of a segment with `deps`? */
export function affects(deps: Dependencies, touched: Touched): boolean {
  if (touched.anyChange.size > 0) return true;
  if (touched.accounts.size > 0 && deps.accounts) return true;
  if (touched.users.size === 0) return false;
  if (deps.anyEvent && touched.eventNames.size > 0) return true;
  for (const name of deps.events) if (touched.eventNames.has(name)) return true;
  for (const key of deps.traits) if (touched.traitKeys.has(key)) return true;
  return false;
}

/** Everything two writes touched. */
export function mergeTouched(a: Touched, b: Touched): Touched {
  const union = (x: ReadonlySet<string>, y: ReadonlySet<string>) => new Set([...x, ...y]);
  return {
    users: union(a.users, b.users),
    eventNames: union(a.eventNames, b.eventNames),
    traitKeys: union(a.traitKeys, b.traitKeys),
    accounts: union(a.accounts, b.accounts),
    anyChange: union(a.anyChange, b.anyChange),
    latestEvent:
      a.latestEvent && b.latestEvent
        ? new Date(Math.max(a.latestEvent.getTime(), b.latestEvent.getTime()))
        : (a.latestEvent ?? b.latestEvent),
  };
}
