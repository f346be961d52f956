import { parseArgs } from 'node:util';
import { createProviderSimulator } from './simulator-server';

/** `npm run sim [-- --port 4010 --host 127.0.0.1]` */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '4010' }, host: { type: 'string', default: '127.0.0.1' } },
  });
  const simulator = createProviderSimulator();
  const url = await simulator.listen(Number(values.port), values.host);
  process.stdout.write(
    `Voxflow provider simulator on ${url} (SIMULATED transcripts; not a real provider)\n` +
      `  OpenAI:   OPENAI_BASE_URL=${url}/v1     (audio/transcriptions, chat/completions)\n` +
      `  Deepgram: DEEPGRAM_BASE_URL=${url}      (POST /v1/listen, WebSocket /v1/listen)\n` +
      `  knobs:    POST ${url}/__sim/config   counters: GET ${url}/__sim/stats\n`,
  );
  const stop = () => void simulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
