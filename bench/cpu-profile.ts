/**
 * Preloaded into a bench stack's apps (`--require`) when BENCH_CPU_PROFILE_DIR is set: samples the main
 * thread from start to exit and writes a V8 CPU profile (`<app>-<pid>.cpuprofile`, for Chrome DevTools).
 * Node refuses `--cpu-prof` in NODE_OPTIONS, hence an inspector session of the process's own.
 */
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const dir = process.env.BENCH_CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 }); // microseconds
  session.post('Profiler.start');
  const app = basename(dirname(process.argv[1] ?? 'node'));
  let written = false;
  // The in-process inspector answers synchronously, so this works inside 'exit'.
  const write = () => {
    if (written) return;
    written = true;
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(dir, `${app}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  process.on('exit', write);
  // An app without a SIGTERM handler of its own would die without 'exit': end it the same way, profile first.
  process.on('SIGTERM', () => {
    if (process.listenerCount('SIGTERM') > 1) return;
    write();
    process.exit(143);
  });
}
