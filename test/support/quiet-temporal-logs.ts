import { DefaultLogger, Runtime } from '@temporalio/worker';

// Workers created in tests log bundling and state changes at INFO; keep test output to warnings.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // Already installed by an earlier suite in this process.
}
