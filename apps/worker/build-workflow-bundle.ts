import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { WORKFLOW_TRACING_INTERCEPTORS } from '../../libs/tracing/tracing';
import {
  TRACED_WORKFLOW_BUNDLE_PATH,
  WORKFLOW_BUNDLE_PATH,
  WORKFLOW_BUNDLER_OPTIONS,
  WORKFLOWS_PATH,
} from './workflow-source';

/**
 * Build step: bundles the workflows once so production workers skip webpack at start-up; a second bundle
 * carries the OpenTelemetry workflow interceptors for workers with tracing on.
 */
async function main(): Promise<void> {
  const bundles = [
    { path: WORKFLOW_BUNDLE_PATH, workflowInterceptorModules: [] },
    { path: TRACED_WORKFLOW_BUNDLE_PATH, workflowInterceptorModules: [WORKFLOW_TRACING_INTERCEPTORS] },
  ];
  for (const { path, workflowInterceptorModules } of bundles) {
    const { code } = await bundleWorkflowCode({
      workflowsPath: WORKFLOWS_PATH,
      workflowInterceptorModules,
      // webpack's module listing is noise unless something is wrong.
      logger: new DefaultLogger('WARN'),
      ...WORKFLOW_BUNDLER_OPTIONS,
    });
    await writeFile(path, code);
    process.stdout.write(`workflow bundle: ${path} (${(code.length / 1024).toFixed(0)} KiB)\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
