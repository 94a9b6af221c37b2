import type { Dialect } from '../../engines/dialect.js';
import type { SegmentDialect } from '../../engines/segment-dialect.js';
import { bool, int, join, num, type Param, render, type Sql, sql, str, trusted, ts } from '../../engines/sql.js';
import { assertNever } from '../../errors.js';
import type { EventSelector, IrNode, Predicate, PropertyTest, SegmentIr, TimeRange, ValueRef } from '../ir/nodes.js';

export type CompileDialect = Dialect & SegmentDialect;

export interface CompileOptions {
  readonly workspace: string;
  /** Evaluate only these users; all users when absent. */
  readonly users?: readonly string[];
  /**
   * Real-time re-evaluation: a query returning the `user_id`s to evaluate, and a table holding (at least) those
   * users' events to read instead of `events`. Every leaf is per user, so a subset gives each user's exact verdict.
   */
  readonly scope?: { readonly users: Sql; readonly events: Sql; readonly profiles: Sql };
}

/**
 * Compiles a lowered segment to one query returning the member user ids (column `user_id`).
 *
 * Shape: every event-based leaf becomes a conditional aggregate in a single grouped scan of `events` (one pass
 * however many leaves), joined to `profiles` (the universe of users) and, when needed, `accounts`; sequences become
 * semi-joins. Every leaf yields a non-null boolean, so AND / OR / NOT have their two-valued meaning.
 */
export function compileMembers(ir: SegmentIr, dialect: CompileDialect, options: CompileOptions): Sql {
  return new Compiler(ir, dialect, options).members();
}

/** The number of members, for previews. */
export function compileCount(ir: SegmentIr, dialect: CompileDialect, options: CompileOptions): Sql {
  return sql`SELECT count(*) AS members FROM (${compileMembers(ir, dialect, options)}) AS m`;
}

const valueParam = (value: number | string | boolean, type: string): Param =>
  type === 'number' || type === 'time'
    ? num(value as number)
    : type === 'boolean'
      ? bool(value as boolean)
      : str(value as string);

class Compiler {
  private readonly aggregates: Sql[] = [];
  private needsAccount = false;
  private needsSpan = false;
  /** Event names the scan must read; unused when the first/last-seen span needs every event. */
  private readonly names = new Set<string>();
  /** Some leaf reads events of any name. */
  private anyName = false;
  /** The earliest time any leaf reads (ms, inclusive), or null when some leaf reads all history. */
  private earliest: number | null = Number.POSITIVE_INFINITY;
  /** Aggregates already in the scan, by rendered text, so identical leaves share one column. */
  private readonly columns = new Map<string, Sql>();

  constructor(
    private readonly ir: SegmentIr,
    private readonly d: CompileDialect,
    private readonly options: CompileOptions,
  ) {}

  members(): Sql {
    const w = str(this.options.workspace);
    const condition = this.node(this.ir.root);
    const users = this.options.users;
    const scope = this.options.scope;
    const userFilter = (column: Sql) =>
      scope
        ? sql` AND ${column} IN (${scope.users})`
        : !users
          ? sql``
          : users.length === 0
            ? sql` AND FALSE`
            : sql` AND ${column} IN (${join(users.map((u) => sql`${str(u)}`))})`;
    const joins: Sql[] = [];
    if (this.aggregates.length > 0 || this.needsSpan) {
      const span = this.needsSpan ? [sql`min(ts) AS first_seen`, sql`max(ts) AS last_seen`] : [];
      // Only the names and times some leaf reads: the engine can skip the rest of the table (zone maps, partitions).
      const names =
        this.needsSpan || this.anyName || this.names.size === 0
          ? sql``
          : sql` AND name IN (${join([...this.names].sort().map((name) => sql`${str(name)}`))})`;
      const since =
        this.needsSpan || this.earliest === null || !Number.isFinite(this.earliest)
          ? sql``
          : sql` AND ts >= ${ts(new Date(this.earliest))}`;
      joins.push(
        sql`LEFT JOIN (SELECT user_id, ${join([...this.aggregates, ...span])} FROM ${this.eventsTable()}
              WHERE workspace = ${w} AND user_id IS NOT NULL AND ts < ${ts(new Date(this.ir.asOf + 1))}${names}${since}${userFilter(sql`user_id`)}
              GROUP BY user_id) AS ev ON ev.user_id = p.user_id`,
      );
    }
    if (this.needsAccount) {
      joins.push(sql`LEFT JOIN accounts AS a ON a.workspace = p.workspace AND a.account_id = p.account_id`);
    }
    return sql`SELECT p.user_id AS user_id FROM ${scope?.profiles ?? sql`profiles`} AS p ${join(joins, ' ')}
               WHERE p.workspace = ${w}${userFilter(sql`p.user_id`)} AND (${condition})`;
  }

  private eventsTable(): Sql {
    return this.options.scope?.events ?? sql`events`;
  }

  private node(node: IrNode): Sql {
    switch (node.kind) {
      case 'and':
      case 'or':
        return sql`(${join(
          node.children.map((child) => this.node(child)),
          node.kind === 'and' ? ' AND ' : ' OR ',
        )})`;
      case 'not':
        return sql`(NOT ${this.node(node.child)})`;
      case 'const':
        return node.value ? sql`TRUE` : sql`FALSE`;
      case 'value': {
        const asEvents = node.ref.source === 'builtin' ? this.seenAsEvents(node.ref.name, node.predicate) : null;
        if (asEvents) return asEvents;
        if (node.ref.source === 'builtin' && node.predicate.kind === 'text') {
          // first_seen / last_seen are times, not text: a text test finds no value, so only its negation holds.
          return node.predicate.negate ? sql`TRUE` : sql`FALSE`;
        }
        return this.predicate(this.ref(node.ref, node.predicate), node.predicate, this.refColumn(node.ref));
      }
      case 'count': {
        const column = this.aggregate(this.d.countIf(this.selection(node.select, sql``)));
        return sql`(coalesce(${column}, 0) ${trusted(node.op)} ${num(node.value)})`;
      }
      case 'aggregate': {
        const where = this.selection(node.select, sql``);
        const matched = this.aggregate(this.d.countIf(where));
        const value =
          node.fn === 'count_distinct'
            ? this.d.jsonScalarKey(sql`properties`, node.property)
            : this.d.jsonTyped(sql`properties`, node.property, 'number');
        const result = this.aggregate(this.d.aggregateIf(node.fn, value, where));
        return sql`(coalesce(${matched}, 0) > 0 AND coalesce(${result} ${trusted(node.op)} ${num(node.value)}, false))`;
      }
      case 'sequence':
        return this.sequence(node);
      case 'static':
        return sql`(p.user_id IN (SELECT user_id FROM static_members
                    WHERE workspace = ${str(this.options.workspace)} AND segment_id = ${str(node.segmentId)}))`;
      default:
        return assertNever(node, 'IR node');
    }
  }

  /**
   * `last_seen` after a time, or `first_seen` before one, is "some event in that span": a count over the span's
   * events rather than min/max over the user's whole history, so the scan reads only the span. Null when the test
   * is not of that form.
   */
  private seenAsEvents(name: 'first_seen' | 'last_seen', predicate: Predicate): Sql | null {
    const asOf = this.ir.asOf;
    let range: TimeRange | null = null;
    if (predicate.kind === 'exists') range = { from: null, fromInclusive: false, to: asOf, toInclusive: true };
    else if (
      name === 'last_seen' &&
      predicate.kind === 'range' &&
      predicate.type === 'time' &&
      predicate.high >= asOf
    ) {
      range = { from: predicate.low, fromInclusive: predicate.lowInclusive, to: asOf, toInclusive: true };
    } else if (
      name === 'last_seen' &&
      predicate.kind === 'cmp' &&
      predicate.type === 'time' &&
      (predicate.op === '>' || predicate.op === '>=')
    ) {
      range = { from: predicate.value as number, fromInclusive: predicate.op === '>=', to: asOf, toInclusive: true };
    } else if (
      name === 'first_seen' &&
      predicate.kind === 'cmp' &&
      predicate.type === 'time' &&
      (predicate.op === '<' || predicate.op === '<=')
    ) {
      const limit = predicate.value as number;
      range =
        limit <= asOf
          ? { from: null, fromInclusive: false, to: limit, toInclusive: predicate.op === '<=' }
          : { from: null, fromInclusive: false, to: asOf, toInclusive: true };
    }
    if (!range) return null;
    this.anyName = true;
    const column = this.aggregate(this.d.countIf(join(this.span(range, sql``), ' AND ')));
    const positive = sql`coalesce(${column}, 0) > 0`;
    return predicate.negate ? sql`(NOT (${positive}))` : sql`(${positive})`;
  }

  /** Registers a per-user aggregate in the events scan and returns its column. */
  private aggregate(expression: Sql): Sql {
    const rendered = render(expression, this.d);
    const key = `${rendered.text}\u0000${JSON.stringify(rendered.params)}`;
    const existing = this.columns.get(key);
    if (existing) return existing;
    const name = `x${this.aggregates.length}`;
    this.aggregates.push(sql`${expression} AS ${trusted(name)}`);
    const column = trusted(`ev.${name}`);
    this.columns.set(key, column);
    return column;
  }

  /** The JSON column and path of a user-level value, for `exists`. */
  private refColumn(ref: ValueRef): { column: Sql; path: readonly string[] } | null {
    if (ref.source === 'trait') return { column: sql`p.traits`, path: ref.path };
    if (ref.source === 'account') return { column: sql`a.traits`, path: ref.path };
    return null;
  }

  private ref(ref: ValueRef, predicate: Predicate): Sql {
    const type = predicate.kind === 'exists' ? 'string' : predicate.kind === 'text' ? 'string' : predicate.type;
    switch (ref.source) {
      case 'trait':
        return this.d.jsonTyped(sql`p.traits`, ref.path, type);
      case 'account':
        this.needsAccount = true;
        return this.d.jsonTyped(sql`a.traits`, ref.path, type);
      case 'builtin':
        this.needsSpan = true;
        return this.d.epochMs(ref.name === 'first_seen' ? sql`ev.first_seen` : sql`ev.last_seen`);
    }
  }

  /** A predicate on a typed value expression; never NULL. */
  private predicate(value: Sql, predicate: Predicate, json: { column: Sql; path: readonly string[] } | null): Sql {
    let positive: Sql;
    switch (predicate.kind) {
      case 'exists':
        positive = json ? this.d.jsonPresent(json.column, json.path) : sql`(${value} IS NOT NULL)`;
        break;
      case 'cmp':
        positive = sql`${value} ${trusted(predicate.op)} ${valueParam(predicate.value, predicate.type)}`;
        break;
      case 'in':
        positive = sql`${value} IN (${join(predicate.values.map((v) => sql`${valueParam(v, predicate.type)}`))})`;
        break;
      case 'text':
        positive = this.d.textMatch(predicate.op, value, sql`${str(predicate.value)}`);
        break;
      case 'range': {
        // One BETWEEN evaluates the (JSON-extracting) value once; times are whole milliseconds, so an exclusive
        // bound on a time is the next or previous millisecond.
        const integral = predicate.type === 'time';
        if ((predicate.lowInclusive || integral) && (predicate.highInclusive || integral)) {
          const low = predicate.lowInclusive ? predicate.low : predicate.low + 1;
          const high = predicate.highInclusive ? predicate.high : predicate.high - 1;
          positive = sql`${value} BETWEEN ${num(low)} AND ${num(high)}`;
          break;
        }
        const low = sql`${value} ${trusted(predicate.lowInclusive ? '>=' : '>')} ${num(predicate.low)}`;
        const high = sql`${value} ${trusted(predicate.highInclusive ? '<=' : '<')} ${num(predicate.high)}`;
        positive = sql`${low} AND ${high}`;
        break;
      }
      default:
        return assertNever(predicate, 'predicate');
    }
    const safe = sql`coalesce(${positive}, false)`;
    return predicate.negate ? sql`(NOT ${safe})` : sql`(${safe})`;
  }

  private propertyTests(where: readonly PropertyTest[], alias: Sql): Sql[] {
    return where.map((test) => {
      const column = sql`${alias}properties`;
      const type = test.predicate.kind === 'exists' || test.predicate.kind === 'text' ? 'string' : test.predicate.type;
      return this.predicate(this.d.jsonTyped(column, test.path, type), test.predicate, { column, path: test.path });
    });
  }

  /**
   * A time range on `ts`. Stored times may be finer than the IR's milliseconds; a time counts as its millisecond,
   * rounded down (as the evaluator reads it), so `from < ts` is `ts >= from + 1ms` and `ts <= to` is `ts < to + 1ms`.
   * The bounds stay plain comparisons on the column, so the engine can still prune by time.
   */
  private range(range: TimeRange, alias: Sql): Sql[] {
    const out: Sql[] = [];
    if (range.from !== null) {
      out.push(sql`${alias}ts >= ${ts(new Date(range.fromInclusive ? range.from : range.from + 1))}`);
    }
    out.push(sql`${alias}ts < ${ts(new Date(range.toInclusive ? range.to + 1 : range.to))}`);
    return out;
  }

  /** The condition selecting a leaf's events; `alias` is `e1.` style or empty. */
  /** A leaf's time range, noted so the scan can skip what no leaf reads. */
  private span(range: TimeRange, alias: Sql): Sql[] {
    const from = range.from === null ? null : range.from + (range.fromInclusive ? 0 : 1);
    this.earliest = from === null || this.earliest === null ? null : Math.min(this.earliest, from);
    return this.range(range, alias);
  }

  private selection(select: EventSelector, alias: Sql): Sql {
    this.names.add(select.event);
    return join(
      [
        sql`${alias}name = ${str(select.event)}`,
        ...this.span(select.range, alias),
        ...this.propertyTests(select.where, alias),
      ],
      ' AND ',
    );
  }

  private sequence(node: Extract<IrNode, { kind: 'sequence' }>): Sql {
    const w = str(this.options.workspace);
    const aliases = node.steps.map((_, i) => trusted(`s${i}`));
    const conditions: Sql[] = [];
    const from: Sql[] = [];
    node.steps.forEach((step, i) => {
      const alias = aliases[i] as Sql;
      const dot = sql`${alias}.`;
      from.push(sql`${this.eventsTable()} AS ${alias}`);
      conditions.push(
        sql`${dot}workspace = ${w}`,
        this.selection({ event: step.event, where: step.where, range: node.range }, dot),
      );
      if (i === 0) {
        conditions.push(sql`${dot}user_id IS NOT NULL`);
        return;
      }
      const previous = aliases[i - 1] as Sql;
      const first = aliases[0] as Sql;
      // Order and `within` compare milliseconds (rounded down), as the ranges do: two events in one millisecond are
      // simultaneous, whichever way their microseconds lie.
      const ms = (a: Sql) => this.d.epochMs(sql`${a}.ts`);
      conditions.push(sql`${dot}user_id = ${first}.user_id`, sql`${ms(alias)} >= ${ms(previous)}`);
      // Distinct events: a message id identifies one stored event within a workspace.
      for (const earlier of aliases.slice(0, i)) conditions.push(sql`${dot}message_id <> ${earlier}.message_id`);
      if (node.withinMs !== null && i === node.steps.length - 1) {
        conditions.push(sql`${ms(alias)} <= ${ms(first)} + ${int(node.withinMs)}`);
      }
    });
    const first = aliases[0] as Sql;
    return sql`(p.user_id IN (SELECT ${first}.user_id FROM ${join(from)} WHERE ${join(conditions, ' AND ')}))`;
  }
}
