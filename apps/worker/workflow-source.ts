import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkerOptions } from '@temporalio/worker';

/** Where `npm run build` writes the production workflow bundle. */
export const WORKFLOW_BUNDLE_PATH = join(__dirname, '..', '..', 'workflow-bundle.js');

/** The workflows entry point, as source in development and tests, as compiled JS under dist/. */
export const WORKFLOWS_PATH = require.resolve('../../workflows');

/**
 * Production workers load the bundle built once at build time (fast start, no webpack at runtime);
 * everywhere else the worker bundles from source so edits take effect on restart.
 */
export function workflowSource(production: boolean): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  if (!production) return { workflowsPath: WORKFLOWS_PATH };
  if (!existsSync(WORKFLOW_BUNDLE_PATH)) {
    throw new Error(`Workflow bundle missing at ${WORKFLOW_BUNDLE_PATH}: run "npm run build" first.`);
  }
  return { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH } };
}
