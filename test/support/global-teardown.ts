import { infraDown } from '../../deploy/local/infra';
import type { ComponentStatus } from '../../deploy/local/component-status';
import { readInfraOptions } from '../../deploy/local/infra-options';

/** Stops what global-setup started, unless VOXFLOW_KEEP_INFRA=1 (faster repeated local runs). */
export default async function globalTeardown(): Promise<void> {
  const shared = globalThis as { __voxflowStarted?: ComponentStatus['name'][] };
  const started = shared.__voxflowStarted ?? [];
  // Each project runs this too: the first one stops everything, the others find nothing left.
  shared.__voxflowStarted = [];
  if (started.length === 0 || process.env.VOXFLOW_KEEP_INFRA === '1') return;
  await infraDown(readInfraOptions(), started);
}
