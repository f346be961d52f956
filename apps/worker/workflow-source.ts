import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BundleOptions, WorkerOptions } from '@temporalio/worker';
import { DIST_DIR } from '../../libs/config/install-paths';

/** The workflow bundles `npm run build` (and `npm run setup`) write: plain, and with the tracing interceptors. */
export const WORKFLOW_BUNDLE_PATH = join(DIST_DIR, 'workflow-bundle.js');
export const TRACED_WORKFLOW_BUNDLE_PATH = join(DIST_DIR, 'workflow-bundle.traced.js');

/** The workflows entry point, as source in development and tests, as compiled JS under dist/. */
export const WORKFLOWS_PATH = require.resolve('../../workflows');

/**
 * The SDK requires an inline source map (it maps workflow stack traces back to files and lines), but the
 * sources' text it also embeds by default is only read when `showStackTraceSources` is on, which Voxflow
 * leaves off: without it the bundle is half the size, and the worker ~8 MB smaller (the workflow thread
 * keeps the map parsed).
 */
export const WORKFLOW_BUNDLER_OPTIONS: Pick<BundleOptions, 'webpackConfigHook'> = {
  webpackConfigHook: (config) => ({ ...config, devtool: 'inline-nosources-source-map' }),
};

/**
 * Every worker (production, `npm start`, tests) loads the bundle built once by the build: no webpack at start,
 * and the code a test runs is the code that ships.
 */
export function workflowSource(traced: boolean): Pick<WorkerOptions, 'workflowBundle'> {
  const codePath = traced ? TRACED_WORKFLOW_BUNDLE_PATH : WORKFLOW_BUNDLE_PATH;
  if (!existsSync(codePath)) throw new Error(`Workflow bundle missing at ${codePath}: run "npm run setup" first.`);
  return { workflowBundle: { codePath } };
}
