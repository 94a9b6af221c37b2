import { type Command, Option } from 'commander';
import { UserError } from '../../errors.js';
import { type ApiKeyInfo, createApiKey, listApiKeys, revokeApiKey, type Scope } from '../../keys/api-keys.js';
import { ExitCode } from '../exit-codes.js';
import { table } from '../output.js';
import { action, jsonOption } from '../program.js';
import { withStore } from '../store-access.js';

type CreatedKey = ApiKeyInfo & { key: string };

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('create, list and revoke API keys (stored hashed)');

  keys
    .command('create')
    .description('create a key: write keys ingest through /v1, admin keys also manage everything under /api')
    .addOption(new Option('--scope <scope>', 'write or admin').choices(['write', 'admin']).makeOptionMandatory())
    .option('--name <name>', 'a label to recognise the key by')
    .addOption(jsonOption())
    .action(
      action(async ({ options, out }, flags: { scope: Scope; name?: string }) => {
        const created = await withStore<CreatedKey>(options, 'keys create', {
          local: (engine) =>
            createApiKey(engine, {
              workspace: options.workspace,
              scope: flags.scope,
              ...(flags.name ? { name: flags.name } : {}),
            }),
          remote: (client) => client.post<CreatedKey>('/api/keys', { scope: flags.scope, name: flags.name }),
        });
        if (options.json) out.json(created);
        else {
          out.line(created.key);
          out.error(
            `${created.scope} key ${created.id} for workspace ${created.workspace}: store it now, it is not shown again`,
          );
        }
        return undefined;
      }),
    );

  keys
    .command('list')
    .description('list keys (never their secrets)')
    .addOption(jsonOption())
    .action(
      action(async ({ options, out }) => {
        const list = await withStore<ApiKeyInfo[]>(options, 'keys list', {
          local: (engine) => listApiKeys(engine, options.workspace),
          remote: async (client) => (await client.get<{ keys: ApiKeyInfo[] }>('/api/keys')).keys,
        });
        if (options.json) out.json(list);
        else
          out.line(
            table(
              list.map((k) => ({ ...k, revoked: k.revokedAt ? 'yes' : '' })),
              ['id', 'scope', 'name', 'createdAt', 'revoked'],
            ),
          );
        return undefined;
      }),
    );

  keys
    .command('revoke <id>')
    .description('revoke a key: requests with it are refused from now on')
    .addOption(jsonOption())
    .action(
      action(async ({ options, out }, id: string) => {
        const revoked = await withStore<boolean>(options, 'keys revoke', {
          local: (engine) => revokeApiKey(engine, options.workspace, id),
          remote: async (client) => {
            await client.delete(`/api/keys/${encodeURIComponent(id)}`);
            return true;
          },
        });
        if (!revoked) throw new UserError('not_found', `no key ${id} in workspace ${options.workspace}`, 'id', 404);
        if (options.json) out.json({ id, revoked: true });
        else out.line(`revoked ${id}`);
        return ExitCode.ok;
      }),
    );
}
