import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BundleOptions, WorkerOptions } from '@temporalio/worker';

/** Where `npm run build` writes the production workflow bundles: plain, and with the tracing interceptors. */
export const WORKFLOW_BUNDLE_PATH = join(__dirname, '..', '..', 'workflow-bundle.js');
export const TRACED_WORKFLOW_BUNDLE_PATH = join(__dirname, '..', '..', 'workflow-bundle.traced.js');

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
 * Production workers load the bundle built once at build time (fast start, no webpack at runtime);
 * everywhere else the worker bundles from source so edits take effect on restart.
 */
export function workflowSource(
  production: boolean,
  traced: boolean,
): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath' | 'bundlerOptions'> {
  // Bundling from source picks up the tracing plugin's workflow interceptors by itself.
  if (!production) return { workflowsPath: WORKFLOWS_PATH, bundlerOptions: WORKFLOW_BUNDLER_OPTIONS };
  const codePath = traced ? TRACED_WORKFLOW_BUNDLE_PATH : WORKFLOW_BUNDLE_PATH;
  if (!existsSync(codePath)) throw new Error(`Workflow bundle missing at ${codePath}: run "npm run build" first.`);
  return { workflowBundle: { codePath } };
}
