import { DefaultLogger, Runtime } from '@temporalio/worker';

// Workers created in tests log state changes at INFO and every failed attempt (many tests fail some on purpose)
// at WARN: test output keeps errors only.
try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  // Already installed by an earlier suite in this process.
}
