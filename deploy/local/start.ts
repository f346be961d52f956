import { readInfraOptions } from './infra-options';
import { SANDBOX_BANNER } from './sandbox';
import { startStack } from './stack';

/**
 * `npm start`: the whole stack in the foreground (infrastructure, API, worker, and the simulator in
 * sandbox mode when no provider key is set). Ctrl-C stops what it started.
 */
async function main(): Promise<void> {
  const options = readInfraOptions();
  process.stdout.write('Starting Voxflow (infrastructure, API, worker)…\n');
  const stack = await startStack({ infra: options, logs: { mode: 'terminal' }, portBusy: 'fail' });
  if (stack.sandbox) process.stdout.write(`\n${SANDBOX_BANNER}\n`);
  const ui = stack.infra.find((c) => c.name === 'temporal')?.details.find((d) => d.startsWith('Web UI'));
  process.stdout.write(
    `\nVoxflow is up.\n` +
      `  API          ${stack.apiUrl}   (docs ${stack.apiUrl}/docs, health ${stack.apiUrl}/health/ready)\n` +
      `  Temporal     ${ui ?? 'see TEMPORAL_ADDRESS'}\n` +
      `  Worker       metrics on :${stack.env.WORKER_METRICS_PORT}/metrics\n` +
      `  Create a key: npm run cli -- keys create --tenant me   (or set VOXFLOW_DEV_API_KEY)\n` +
      `Press Ctrl-C to stop.\n\n`,
  );
  let stopping = false;
  const stop = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping what npm start started…\n');
    await stack.stop();
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  // If the API or worker dies, say so and take the rest down rather than half-run.
  for (const app of stack.apps) {
    app.child.once('exit', (code) => {
      if (stopping) return;
      process.stderr.write(`\n${app.name} exited unexpectedly (code ${code}).\n`);
      void stop(1);
    });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`npm start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
