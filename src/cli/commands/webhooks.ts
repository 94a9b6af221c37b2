import type { Command } from 'commander';
import type { Engine } from '../../engines/engine.js';
import { UserError } from '../../errors.js';
import {
  type CreatedWebhook,
  createWebhook,
  deleteWebhook,
  getWebhook,
  listAttempts,
  listWebhooks,
  replayWebhook,
  updateWebhook,
  type Webhook,
  type WebhookAttempt,
  type WebhookState,
} from '../../live/webhooks/store.js';
import type { ApiClient } from '../api-client.js';
import { table } from '../output.js';
import { action, type CommandContext, jsonOption, positiveInt } from '../program.js';
import { withStore } from '../store-access.js';

const hook = (id: string) => `/api/webhooks/${encodeURIComponent(id)}`;

/** Dates are `Date`s locally and ISO strings through the server. */
const iso = (value: Date | string | null | undefined): string =>
  value === null || value === undefined ? '' : new Date(value).toISOString();

function run<T>(
  ctx: CommandContext,
  what: string,
  local: (e: Engine) => Promise<T>,
  remote: (c: ApiClient) => Promise<T>,
) {
  return withStore<T>(ctx.options, what, { local, remote });
}

function summary(w: Webhook): Record<string, unknown> {
  const s = w.status;
  const health = s.consecutive_failures > 0 ? `failing ×${s.consecutive_failures}` : s.syncing ? 'syncing' : 'ok';
  return { id: w.id, state: w.state, health, pending: s.pending, cursor: s.cursor_seq, url: w.url };
}

function printWebhook(ctx: CommandContext, w: Webhook): void {
  const s = w.status;
  ctx.out.line(`${w.id}  ${w.state}  ${w.url}`);
  ctx.out.line(`  segments        ${w.segment_ids.join(', ')}`);
  ctx.out.line(`  batch size      ${w.batch_size}`);
  ctx.out.line(`  cursor          ${s.cursor_seq}${s.syncing ? ` (initial sync until ${s.sync_until})` : ''}`);
  ctx.out.line(`  pending         ${s.pending}`);
  ctx.out.line(`  delivered       ${s.delivered_total}`);
  ctx.out.line(`  failed attempts ${s.failed_attempts_total} (${s.consecutive_failures} in a row)`);
  if (s.last_success_at) ctx.out.line(`  last success    ${iso(s.last_success_at)}`);
  if (s.last_failure_at) ctx.out.line(`  last failure    ${iso(s.last_failure_at)}: ${s.last_error ?? ''}`);
  if (s.next_attempt_at) ctx.out.line(`  next attempt    ${iso(s.next_attempt_at)}`);
}

function seqNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1)
    throw new UserError('invalid_from_seq', `--from must be a whole number >= 1, got "${value}"`, 'from_seq', 400);
  return parsed;
}

export function registerWebhooks(program: Command): void {
  const webhooks = program
    .command('webhooks')
    .description('send segment enter/exit changes to URLs (delivered by `strata serve`; see docs/webhooks.md)');

  webhooks
    .command('create')
    .description('create a webhook: the current members first (initial sync), then every change')
    .requiredOption('--url <url>', 'where to POST the changes (http or https)')
    .requiredOption('--segments <list>', 'segment ids or names, comma-separated')
    .option('--secret <secret>', 'the signing secret, at least 16 characters (default: generated)')
    .option('--batch <n>', 'changes per request (1–1000); above 1 the body is {"events": [...]}', positiveInt('batch'))
    .addOption(jsonOption())
    .action(
      action(async (ctx, flags: { url: string; segments: string; secret?: string; batch?: number }) => {
        const segments = flags.segments
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
        const created = await run<CreatedWebhook>(
          ctx,
          'webhooks create',
          (e) =>
            createWebhook(e, ctx.options.workspace, {
              url: flags.url,
              segments,
              ...(flags.secret !== undefined ? { secret: flags.secret } : {}),
              ...(flags.batch !== undefined ? { batchSize: flags.batch } : {}),
            }),
          (c) =>
            c.post<CreatedWebhook>('/api/webhooks', {
              url: flags.url,
              segments,
              ...(flags.secret !== undefined ? { secret: flags.secret } : {}),
              ...(flags.batch !== undefined ? { batch_size: flags.batch } : {}),
            }),
        );
        if (ctx.options.json) ctx.out.json(created);
        else {
          ctx.out.line(`created webhook ${created.id} → ${created.url} (${created.status.pending} changes to send)`);
          ctx.out.line(`secret: ${created.secret}`);
          ctx.out.error('store the secret now, it is not shown again; `strata serve` delivers the changes');
        }
        return undefined;
      }),
    );

  webhooks
    .command('list')
    .description("the workspace's webhooks with their delivery status")
    .addOption(jsonOption())
    .action(
      action(async (ctx) => {
        const list = await run(
          ctx,
          'webhooks list',
          (e) => listWebhooks(e, ctx.options.workspace),
          (c) => c.get<Webhook[]>('/api/webhooks'),
        );
        if (ctx.options.json) ctx.out.json(list);
        else ctx.out.line(table(list.map(summary), ['id', 'state', 'health', 'pending', 'cursor', 'url']));
        return undefined;
      }),
    );

  webhooks
    .command('show <id>')
    .description('a webhook and its delivery status')
    .addOption(jsonOption())
    .action(
      action(async (ctx, id: string) => {
        const found = await run(
          ctx,
          'webhooks show',
          (e) => getWebhook(e, ctx.options.workspace, id),
          (c) => c.get<Webhook>(hook(id)),
        );
        if (ctx.options.json) ctx.out.json(found);
        else printWebhook(ctx, found);
        return undefined;
      }),
    );

  const setState = (name: string, state: WebhookState, description: string) =>
    webhooks
      .command(`${name} <id>`)
      .description(description)
      .addOption(jsonOption())
      .action(
        action(async (ctx, id: string) => {
          const updated = await run(
            ctx,
            `webhooks ${name}`,
            (e) => updateWebhook(e, ctx.options.workspace, id, { state }),
            (c) => c.patch<Webhook>(hook(id), { state }),
          );
          if (ctx.options.json) ctx.out.json(updated);
          else ctx.out.line(`${state === 'paused' ? 'paused' : 'resumed'} ${updated.id}`);
          return undefined;
        }),
      );
  setState('pause', 'paused', 'stop delivering (changes keep accumulating; resume sends them)');
  setState('resume', 'active', 'deliver again, retrying at once');

  webhooks
    .command('delete <id>')
    .description('delete a webhook and its attempt log')
    .addOption(jsonOption())
    .action(
      action(async (ctx, id: string) => {
        const removed = await run(
          ctx,
          'webhooks delete',
          (e) => deleteWebhook(e, ctx.options.workspace, id),
          (c) => c.delete<Webhook>(hook(id)),
        );
        if (ctx.options.json) ctx.out.json({ deleted: removed.id });
        else ctx.out.line(`deleted ${removed.id}`);
        return undefined;
      }),
    );

  webhooks
    .command('replay <id>')
    .description("send every change of the webhook's segments from a seq on again, in full")
    .requiredOption('--from <seq>', 'the first seq to send again')
    .addOption(jsonOption())
    .action(
      action(async (ctx, id: string, flags: { from: string }) => {
        const from = seqNumber(flags.from);
        const replayed = await run(
          ctx,
          'webhooks replay',
          (e) => replayWebhook(e, ctx.options.workspace, id, from),
          (c) => c.post<Webhook>(`${hook(id)}/replay`, { from_seq: from }),
        );
        if (ctx.options.json) ctx.out.json(replayed);
        else ctx.out.line(`${replayed.id} sends again from seq ${from} (${replayed.status.pending} changes)`);
        return undefined;
      }),
    );

  webhooks
    .command('attempts <id>')
    .description('the latest delivery attempts, newest first')
    .option('--limit <n>', 'at most this many (default 20)', positiveInt('limit'))
    .addOption(jsonOption())
    .action(
      action(async (ctx, id: string, flags: { limit?: number }) => {
        const limit = Math.min(flags.limit ?? 20, 1000);
        const attempts = await run(
          ctx,
          'webhooks attempts',
          (e) => listAttempts(e, ctx.options.workspace, id, limit),
          (c) => c.get<WebhookAttempt[]>(`${hook(id)}/attempts?limit=${limit}`),
        );
        if (ctx.options.json) ctx.out.json(attempts);
        else
          ctx.out.line(
            table(
              attempts.map((a) => ({
                at: iso(a.at),
                seqs: `${a.first_seq}-${a.last_seq}`,
                events: a.events,
                result: a.ok ? `ok ${a.status_code ?? ''}`.trim() : (a.error ?? 'failed'),
                ms: Math.round(a.duration_ms),
              })),
              ['at', 'seqs', 'events', 'result', 'ms'],
            ),
          );
        return undefined;
      }),
    );
}
