import { parseArgs } from 'node:util';
import { ConfigError } from '../../libs/config';
import { ApiCallError, ApiClient } from './api-client';
import { cancelCommand, listCommand, statusCommand, transcriptCommand } from './commands/jobs.commands';
import { createKeyCommand } from './commands/keys.command';
import { submitCommand } from './commands/submit.command';

const USAGE = `voxflow — durable transcription jobs

  voxflow submit FILE|URL [--translate es,fr] [--language en] [--provider openai|deepgram]
                          [--fallback deepgram] [--webhook URL] [--priority high] [--idempotency-key K] [--wait] [--json]
  voxflow status ID [--json]
  voxflow list [--status completed] [--limit 20] [--json]
  voxflow transcript ID [--format json|txt|srt|vtt] [--lang es] [--output FILE]
  voxflow cancel ID
  voxflow keys create --tenant NAME [--label TEXT] [--json]

Environment: VOXFLOW_API_URL (default http://127.0.0.1:3000), VOXFLOW_API_KEY (or --key);
keys create uses MONGODB_URI directly.
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      key: { type: 'string' },
      translate: { type: 'string' },
      language: { type: 'string' },
      provider: { type: 'string' },
      fallback: { type: 'string' },
      webhook: { type: 'string' },
      priority: { type: 'string' },
      'idempotency-key': { type: 'string' },
      wait: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      status: { type: 'string' },
      limit: { type: 'string' },
      format: { type: 'string', default: 'txt' },
      lang: { type: 'string' },
      output: { type: 'string' },
      tenant: { type: 'string' },
      label: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, argument] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  const api = new ApiClient({
    apiUrl: (process.env.VOXFLOW_API_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, ''),
    apiKey: values.key ?? process.env.VOXFLOW_API_KEY,
  });
  const need = (what: string) => {
    if (!argument) throw new UsageError(`${command} needs ${what}`);
    return argument;
  };
  switch (command) {
    case 'submit':
      return submitCommand(api, need('a FILE or URL'), {
        ...values,
        idempotencyKey: values['idempotency-key'],
        wait: values.wait,
        json: values.json,
      });
    case 'status':
      return statusCommand(api, need('a job id'), values.json);
    case 'list':
      return listCommand(api, { status: values.status, limit: values.limit, json: values.json });
    case 'transcript':
      return transcriptCommand(api, need('a job id'), {
        format: values.format,
        lang: values.lang,
        output: values.output,
      });
    case 'cancel':
      return cancelCommand(api, need('a job id'));
    case 'keys':
      if (argument !== 'create' || !values.tenant) throw new UsageError('usage: voxflow keys create --tenant NAME');
      return createKeyCommand({ tenant: values.tenant, label: values.label, json: values.json });
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ApiCallError) process.stderr.write(`voxflow: ${error.message} (${error.code})\n`);
    else if (error instanceof UsageError) process.stderr.write(`voxflow: ${error.message}\n\n${USAGE}`);
    else if (error instanceof ConfigError) process.stderr.write(`voxflow: ${error.message}\n`);
    else process.stderr.write(`voxflow: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
