import { infraUp } from '../../deploy/local/infra';
import { readInfraOptions } from '../../deploy/local/infra-options';
import useLocalMediaTools from './local-media-tools';

/**
 * Integration suites need Temporal, a MongoDB-wire server and Redis. Start whatever is not already
 * running and remember it, so teardown stops exactly that and nothing a developer had running.
 */
export default async function globalSetup(): Promise<void> {
  useLocalMediaTools();
  const options = readInfraOptions();
  const components = await infraUp(options);
  const started = components.filter((c) => c.state === 'started').map((c) => c.name);
  process.stdout.write(`\ninfra for tests: ${components.map((c) => `${c.name} ${c.state} ${c.address}`).join(', ')}\n`);
  // Each project (integration, security) runs this; keep what any of them started.
  const shared = globalThis as { __voxflowStarted?: string[] };
  shared.__voxflowStarted = [...(shared.__voxflowStarted ?? []), ...started];
}
