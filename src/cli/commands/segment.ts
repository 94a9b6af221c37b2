import { type Command, Option } from 'commander';
import { UserError } from '../../errors.js';
import { membersAt, parseTimeParam } from '../../live/history/membership-at.js';
import { type DefinitionInput, definitionFromInput, ruleFromInput } from '../../segments/input.js';
import {
  type CountResult,
  explainMember,
  listMembers,
  type MemberExplanation,
  type MembersPage,
  previewCount,
  segmentSql,
} from '../../segments/query.js';
import { type RefreshResult, refreshAll, refreshSegment } from '../../segments/refresh.js';
import {
  createSegment,
  createStaticSegment,
  deleteSegment,
  getSegment,
  type SavedSegment,
  type SegmentVersion,
  segmentHistory,
  updateSegment,
} from '../../segments/store.js';
import { type SegmentSummary, segmentSummaries } from '../../segments/summary.js';
import { printRule } from '../../segments/text/index.js';
import { table } from '../output.js';
import { action, type CommandContext, jsonOption, positiveInt } from '../program.js';
import { parseAsOf, readJsonFile, readUserIds } from '../read-input.js';
import { printExplanation } from './explain-print.js';
import { registerSegmentHistory } from './segment-history.js';
import { registerSegmentInsight } from './segment-insight.js';
import { asOfQuery, queryString, run, seg } from './segment-shared.js';

interface DefinitionFlags {
  file?: string;
  rule?: string;
  name?: string;
  description?: string;
  static?: string;
}

/** `--file def.json` or `--rule '<text>' --name N` as API-shaped input. */
function definitionInput(flags: DefinitionFlags, current?: SavedSegment): DefinitionInput {
  if (flags.file && flags.rule) throw new UserError('conflicting_options', 'give --file or --rule, not both', 'file');
  if (flags.file) {
    const body = readJsonFile(flags.file) as Record<string, unknown>;
    return { ...body, ...(flags.name ? { name: flags.name } : {}) };
  }
  if (flags.rule) {
    const name = flags.name ?? current?.name;
    if (!name) throw new UserError('missing_option', '--rule needs --name', 'name');
    return { name, text: flags.rule, description: flags.description ?? current?.description ?? undefined };
  }
  throw new UserError('missing_option', 'give the definition with --file def.json or --rule "<text>"', 'rule');
}

function describe(segment: SavedSegment | SegmentSummary): Record<string, unknown> {
  return { ...segment, text: segment.rule ? printRule(segment.rule) : null };
}

function printRefresh(ctx: CommandContext, results: readonly RefreshResult[]): void {
  if (ctx.options.json) ctx.out.json(results);
  else
    ctx.out.line(
      table(
        results.map((r) => ({
          segment: r.name,
          size: r.size,
          entered: r.entered,
          exited: r.exited,
          ms: Math.round(r.durationMs),
        })),
        ['segment', 'size', 'entered', 'exited', 'ms'],
      ),
    );
}

export function registerSegment(program: Command): void {
  const segment = program.command('segment').description('define, refresh, inspect and export segments');
  const definitionOptions = (command: Command) =>
    command
      .option('--file <def.json>', 'a definition: {"name", "description"?, "rule"} (see docs/segments.md)')
      .option(
        '--rule <text>',
        'the rule in the text form, e.g. \'plan = "pro" and did "Order Completed" >= 2 times in last 90d\'',
      )
      .option('--name <name>', 'the segment name (with --rule)')
      .option('--description <text>', 'what the segment is for')
      .addOption(jsonOption());

  definitionOptions(segment.command('create'))
    .description('save a segment (dynamic from a rule, or static from a list of user ids with --static FILE)')
    .option('--static <ids-file>', 'a static segment: user ids, one per line (or a CSV whose first column is user_id)')
    .action(
      action(async (ctx, flags: DefinitionFlags) => {
        let created: SavedSegment;
        if (flags.static) {
          if (!flags.name) throw new UserError('missing_option', '--static needs --name', 'name');
          const body = {
            name: flags.name,
            description: flags.description,
            static: true,
            userIds: readUserIds(flags.static),
          };
          created = await run(
            ctx,
            'segment create',
            (e) => createStaticSegment(e, ctx.options.workspace, body),
            (c) => c.post('/api/segments', body),
          );
        } else {
          const input = definitionInput(flags);
          created = await run(
            ctx,
            'segment create',
            (e) => createSegment(e, ctx.options.workspace, definitionFromInput(input)),
            (c) => c.post('/api/segments', input),
          );
        }
        if (ctx.options.json) ctx.out.json(describe(created));
        else
          ctx.out.line(
            `created ${created.kind} segment "${created.name}" (${created.id}); a running server keeps it live, otherwise: strata segment refresh "${created.name}"`,
          );
        return undefined;
      }),
    );

  definitionOptions(segment.command('update <segment>'))
    .description('change a segment; every version is kept (see segment history)')
    .action(
      action(async (ctx, idOrName: string, flags: DefinitionFlags) => {
        const updated = await run(
          ctx,
          'segment update',
          async (e) => {
            const current = await getSegment(e, ctx.options.workspace, idOrName);
            return updateSegment(
              e,
              ctx.options.workspace,
              idOrName,
              definitionFromInput(definitionInput(flags, current)),
            );
          },
          async (c) =>
            c.put<SavedSegment>(seg(idOrName), definitionInput(flags, await c.get<SavedSegment>(seg(idOrName)))),
        );
        if (ctx.options.json) ctx.out.json(describe(updated));
        else ctx.out.line(`updated "${updated.name}" to version ${updated.version}`);
        return undefined;
      }),
    );

  segment
    .command('list')
    .description('segments with their size at the last refresh')
    .addOption(jsonOption())
    .action(
      action(async (ctx) => {
        const list = await run(
          ctx,
          'segment list',
          (e) => segmentSummaries(e, ctx.options.workspace, 'no-server'),
          (c) => c.get<SegmentSummary[]>('/api/segments'),
        );
        if (ctx.options.json) ctx.out.json(list.map(describe));
        else
          ctx.out.line(
            table(
              list.map((s) => ({
                ...s,
                refreshed: s.refreshedAt ? new Date(s.refreshedAt).toISOString() : 'never',
                live: s.realtime ? (s.timeWindows ? 'yes, swept' : 'yes') : 'no',
              })),
              ['name', 'kind', 'size', 'live', 'refreshed', 'id'],
            ),
          );
        return undefined;
      }),
    );

  segment
    .command('show <segment>')
    .description('a segment: definition (JSON and text), size, versions')
    .addOption(jsonOption())
    .action(
      action(async (ctx, idOrName: string) => {
        const found = await run(
          ctx,
          'segment show',
          (e) => getSegment(e, ctx.options.workspace, idOrName),
          (c) => c.get<SavedSegment>(seg(idOrName)),
        );
        const shown = describe(found);
        if (ctx.options.json) ctx.out.json(shown);
        else {
          ctx.out.line(`${found.name}  (${found.kind}, ${found.id}, version ${found.version})`);
          if (found.description) ctx.out.line(found.description);
          if (shown['text']) ctx.out.line(`\n${String(shown['text'])}\n\n${JSON.stringify(found.rule, null, 2)}`);
        }
        return undefined;
      }),
    );

  segment
    .command('history <segment>')
    .description('every saved version of a segment')
    .addOption(jsonOption())
    .action(
      action(async (ctx, idOrName: string) => {
        const versions = await run(
          ctx,
          'segment history',
          (e) => segmentHistory(e, ctx.options.workspace, idOrName),
          (c) => c.get<SegmentVersion[]>(`${seg(idOrName)}/history`),
        );
        if (ctx.options.json) ctx.out.json(versions);
        else
          for (const v of versions)
            ctx.out.line(
              `v${v.version}  ${new Date(v.createdAt).toISOString()}  ${v.rule ? printRule(v.rule) : '(static)'}`,
            );
        return undefined;
      }),
    );

  segment
    .command('delete <segment>')
    .description('delete a segment and its membership (its enter/exit log is kept)')
    .addOption(jsonOption())
    .action(
      action(async (ctx, idOrName: string) => {
        const removed = await run(
          ctx,
          'segment delete',
          (e) => deleteSegment(e, ctx.options.workspace, idOrName),
          (c) => c.delete<SavedSegment>(seg(idOrName)),
        );
        if (ctx.options.json) ctx.out.json({ deleted: removed?.id ?? idOrName });
        else ctx.out.line(`deleted "${removed?.name ?? idOrName}"`);
        return undefined;
      }),
    );

  segment
    .command('sql <segment>')
    .description('the SQL a segment compiles to, with its parameters')
    .addOption(
      new Option('--engine <engine>', 'dialect to compile for').choices(['duckdb', 'clickhouse']).default('duckdb'),
    )
    .option('--as-of <iso>', 'evaluation time (default: now)')
    .addOption(jsonOption())
    .action(
      action(async (ctx, idOrName: string, flags: { engine: 'duckdb' | 'clickhouse'; asOf?: string }) => {
        const asOf = parseAsOf(flags.asOf);
        const compiled = await run(
          ctx,
          'segment sql',
          (e) => segmentSql(e, ctx.options.workspace, idOrName, { engine: flags.engine, ...(asOf ? { asOf } : {}) }),
          (c) =>
            c.get<{ sql: string; params: unknown[] }>(`${seg(idOrName)}/sql?engine=${flags.engine}&${asOfQuery(asOf)}`),
        );
        if (ctx.options.json) ctx.out.json(compiled);
        else {
          ctx.out.line(compiled.sql);
          ctx.out.line(`\n-- parameters: ${JSON.stringify(compiled.params)}`);
        }
        return undefined;
      }),
    );

  segment
    .command('count')
    .description('preview: count the members of a rule without saving it')
    .option('--file <def.json>', 'a definition or a bare rule')
    .option('--rule <text>', 'the rule in the text form')
    .option('--as-of <iso>', 'evaluation time (default: now)')
    .addOption(jsonOption())
    .action(
      action(async (ctx, flags: { file?: string; rule?: string; asOf?: string }) => {
        const asOf = parseAsOf(flags.asOf);
        let input: DefinitionInput;
        if (flags.file) {
          const body = readJsonFile(flags.file) as Record<string, unknown>;
          input = 'rule' in body || 'text' in body ? body : { rule: body };
        } else if (flags.rule) input = { text: flags.rule };
        else throw new UserError('missing_option', 'give --file or --rule', 'rule');
        const rule = ruleFromInput(input);
        const result = await run(
          ctx,
          'segment count',
          (e) => previewCount(e, ctx.options.workspace, rule, asOf ? { asOf } : {}),
          (c) => c.post<CountResult>('/api/segments/preview', { rule, ...(asOf ? { asOf } : {}) }),
        );
        if (ctx.options.json) ctx.out.json(result);
        else
          ctx.out.line(
            `${result.count.toLocaleString('en-US')} users (as of ${new Date(result.asOf).toISOString()}, ${Math.round(result.durationMs)} ms)`,
          );
        return undefined;
      }),
    );

  segment
    .command('refresh [segment]')
    .description('recompute membership and log who entered and exited')
    .option('--all', 'every segment, in dependency order')
    .option('--as-of <iso>', 'evaluation time (default: now)')
    .addOption(jsonOption())
    .action(
      action(async (ctx, idOrName: string | undefined, flags: { all?: boolean; asOf?: string }) => {
        if (!idOrName && !flags.all) throw new UserError('missing_option', 'name a segment or give --all', 'segment');
        const asOf = parseAsOf(flags.asOf);
        const options = asOf ? { asOf } : {};
        const results = await run(
          ctx,
          'segment refresh',
          async (e) =>
            idOrName
              ? [await refreshSegment(e, ctx.options.workspace, idOrName, options)]
              : refreshAll(e, ctx.options.workspace, options),
          async (c) =>
            idOrName
              ? [await c.post<RefreshResult>(`${seg(idOrName)}/refresh`, options)]
              : c.post<RefreshResult[]>('/api/segments/refresh', options),
        );
        printRefresh(ctx, results);
        return undefined;
      }),
    );

  segment
    .command('members <segment>')
    .description('members at the last refresh, or at a past time with --at (from the change log)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'csv', 'jsonl']).default('table'))
    .option('--limit <n>', 'at most this many', positiveInt('limit'))
    .option('--at <iso>', 'members at this past time, from the enter/exit log')
    .action(
      action(
        async (ctx, idOrName: string, flags: { format: 'table' | 'csv' | 'jsonl'; limit?: number; at?: string }) => {
          const limit = flags.limit ?? 1_000_000_000;
          const at = parseTimeParam(flags.at, 'at');
          const page = await run(
            ctx,
            'segment members',
            (e) =>
              at
                ? membersAt(e, ctx.options.workspace, idOrName, at, { limit })
                : listMembers(e, ctx.options.workspace, idOrName, { limit }),
            (c) => c.get<MembersPage>(`${seg(idOrName)}/members${queryString({ limit, at })}`),
          );
          if (flags.format === 'jsonl') for (const id of page.userIds) ctx.out.line(JSON.stringify({ user_id: id }));
          else if (flags.format === 'csv') {
            ctx.out.line('user_id');
            for (const id of page.userIds) ctx.out.line(/[",\n\r]/.test(id) ? `"${id.replaceAll('"', '""')}"` : id);
          } else {
            for (const id of page.userIds) ctx.out.line(id);
            ctx.out.error(
              `${page.userIds.length.toLocaleString('en-US')} of ${page.total.toLocaleString('en-US')} members${at ? ` at ${at.toISOString()}` : ''}`,
            );
          }
          return undefined;
        },
      ),
    );

  registerSegmentHistory(segment);
  registerSegmentInsight(segment);

  segment
    .command('explain <segment>')
    .description('why a user is or is not a member: every leaf with its value and verdict')
    .requiredOption('--user <id>', 'the user')
    .option('--as-of <iso>', 'evaluation time (default: now)')
    .addOption(jsonOption())
    .action(
      action(async (ctx, idOrName: string, flags: { user: string; asOf?: string }) => {
        const asOf = parseAsOf(flags.asOf);
        const result = await run(
          ctx,
          'segment explain',
          (e) => explainMember(e, ctx.options.workspace, idOrName, flags.user, asOf ? { asOf } : {}),
          (c) =>
            c.get<MemberExplanation>(
              `${seg(idOrName)}/explain?user=${encodeURIComponent(flags.user)}&${asOfQuery(asOf)}`,
            ),
        );
        if (ctx.options.json) ctx.out.json(result);
        else printExplanation(result, (text) => ctx.out.line(text));
        return undefined;
      }),
    );
}
