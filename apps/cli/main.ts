import { setQuotasCommand, showQuotasCommand } from './commands/quotas.command';
import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from '../../libs/config';
import { SCOPES } from '../../libs/auth/scopes';
import { JOB_PRIORITIES, STT_PROVIDERS } from '../../libs/contracts/job';
import { ApiCallError, ApiClient } from './api-client';
import { cancelCommand, listCommand, statusCommand, transcriptCommand } from './commands/jobs.commands';
import { createKeyCommand, listKeysCommand, revokeKeyCommand, rotateKeyCommand } from './commands/keys.command';
import { submitCommand } from './commands/submit.command';

/** `voxflow …`: an HTTP client of the API, but for `keys`, which works on MongoDB (the first key has no API to call). */
function cli(): Command {
  const program = new Command('voxflow')
    .description('Durable transcription jobs.')
    .addHelpText(
      'after',
      '\nEnvironment: VOXFLOW_API_URL (default http://127.0.0.1:3000), VOXFLOW_API_KEY (or --key);\n' +
        'keys uses MONGODB_URI directly.',
    )
    .option('--key <key>', 'API key (default: VOXFLOW_API_KEY)')
    .showHelpAfterError()
    .exitOverride();
  const api = () =>
    new ApiClient({
      apiUrl: (process.env.VOXFLOW_API_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, ''),
      apiKey: program.opts<{ key?: string }>().key ?? process.env.VOXFLOW_API_KEY,
    });

  program
    .command('submit')
    .description('submit a recording (a file to upload, or a URL); --wait shows progress until it ends')
    .argument('<source>', 'FILE or URL')
    .option('--translate <languages>', 'comma-separated target languages, e.g. es,fr')
    .option('--language <code>', 'the spoken language (default: detected)')
    .addOption(new Option('--provider <name>').choices(STT_PROVIDERS))
    .option('--fallback <providers>', 'comma-separated fallback providers')
    .option('--webhook <url>', 'where the signed webhook goes')
    .addOption(new Option('--priority <priority>').choices(JOB_PRIORITIES))
    .option('--idempotency-key <key>', 'the same key submits the same job once')
    .option('--wait', 'wait for the job to end (exit 1 unless it completed)', false)
    .option('--json', 'print JSON', false)
    .action((source: string, options: Parameters<typeof submitCommand>[2]) =>
      run(submitCommand(api(), source, options)),
    );
  program
    .command('status')
    .description("a job's status and progress")
    .argument('<id>')
    .option('--json', 'print JSON', false)
    .action((id: string, options: { json: boolean }) => run(statusCommand(api(), id, options.json)));
  program
    .command('list')
    .description("the tenant's jobs, newest first")
    .option('--status <status>')
    .option('--limit <n>')
    .option('--json', 'print JSON', false)
    .action((options: Parameters<typeof listCommand>[1]) => run(listCommand(api(), options)));
  program
    .command('transcript')
    .description("a job's transcript, original or translated")
    .argument('<id>')
    .addOption(new Option('--format <format>').choices(['json', 'txt', 'srt', 'vtt']).default('txt'))
    .option('--lang <code>', 'a translation (default: the original)')
    .option('--output <file>', 'write to a file instead of the terminal')
    .action((id: string, options: Parameters<typeof transcriptCommand>[2]) =>
      run(transcriptCommand(api(), id, options)),
    );
  program
    .command('cancel')
    .description('cancel a running job')
    .argument('<id>')
    .action((id: string) => run(cancelCommand(api(), id)));
  const keys = program.command('keys').description('API keys of a tenant (in MongoDB)');
  keys
    .command('create')
    .description('create a tenant (if new) and an API key, shown once')
    .requiredOption('--tenant <name>')
    .option('--label <text>')
    .option('--scopes <list>', `comma-separated, of ${SCOPES.join(', ')} (default: all)`)
    .option('--expires-in-days <days>', 'the key stops working after this many days')
    .option('--json', 'print JSON', false)
    .action((options: Parameters<typeof createKeyCommand>[0]) => run(createKeyCommand(options)));
  keys
    .command('list')
    .description("the tenant's keys: id, prefix, scopes, state, last use (never the key)")
    .requiredOption('--tenant <name>')
    .option('--json', 'print JSON', false)
    .action((options: Parameters<typeof listKeysCommand>[0]) => run(listKeysCommand(options)));
  const onKey = [
    ['revoke', 'revoke a key (refused everywhere within 5 s)', revokeKeyCommand],
    [
      'rotate',
      'a new key with the same label, scopes and expiry, shown once; the old one is revoked',
      rotateKeyCommand,
    ],
  ] as const;
  for (const [name, description, command] of onKey)
    keys
      .command(name)
      .description(description)
      .argument('<id>', 'the key id (key_…)')
      .requiredOption('--tenant <name>')
      .option('--json', 'print JSON', false)
      .action((id: string, options: { tenant: string; json: boolean }) => run(command(id, options)));
  const quotas = program.command('quotas').description("a tenant's limits (in MongoDB; defaults: TENANT_MAX_*)");
  quotas
    .command('show')
    .description("the tenant's limits, and which are its own")
    .requiredOption('--tenant <name>')
    .option('--json', 'print JSON', false)
    .action((options: Parameters<typeof showQuotasCommand>[0]) => run(showQuotasCommand(options)));
  quotas
    .command('set')
    .description("change the tenant's limits (those not given keep their value)")
    .requiredOption('--tenant <name>')
    .option('--jobs-in-flight <n>', 'jobs queued or running at once')
    .option('--audio-hours-per-day <hours>', 'audio submitted per UTC day (0: no limit)')
    .option('--live-sessions <n>', 'live sessions at once')
    .option('--reset', 'back to the defaults', false)
    .option('--json', 'print JSON', false)
    .action((options: Parameters<typeof setQuotasCommand>[0]) => run(setQuotasCommand(options)));
  return program;
}

/** A command's exit code: 0, or 1 when it did not do what was asked (e.g. `submit --wait` of a failed job). */
async function run(command: Promise<number>): Promise<void> {
  process.exitCode = await command;
}

cli()
  .parseAsync(process.argv)
  .then(
    () => process.exit(),
    (error: unknown) => {
      // Commander has printed its own message (and the help) for usage errors; --help and --version end here too.
      if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
      if (error instanceof ApiCallError) process.stderr.write(`voxflow: ${error.message} (${error.code})\n`);
      else if (error instanceof ConfigError) process.stderr.write(`voxflow: ${error.message}\n`);
      else process.stderr.write(`voxflow: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
