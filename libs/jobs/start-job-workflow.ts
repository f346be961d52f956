import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { AppConfig } from '../config';
import type { JobDocument } from '../db/job.schema';
import { jobInputFromRecord } from './job-input';
import { PRIORITY_KEY, type TranscriptionJobInput } from '../contracts/job';
import { SEARCH_ATTRIBUTES, TRANSCRIPTION_JOB_WORKFLOW, type TranscriptionJobWorkflow } from '../contracts/temporal';

/**
 * Starts (or finds) the workflow of a stored job. Idempotent: workflow id = job id, a running one is
 * reused and a finished one is never started twice, so a retried request or a reconciler cannot
 * duplicate work. Search attributes and memo make the job findable by tenant, status and provider
 * in the Temporal UI.
 */
export async function startJobWorkflow(
  client: Client,
  config: Pick<AppConfig, 'temporal'>,
  input: TranscriptionJobInput,
  memo: { source: string; metadata?: Record<string, unknown> },
): Promise<{ started: boolean }> {
  try {
    await client.workflow.start<TranscriptionJobWorkflow>(TRANSCRIPTION_JOB_WORKFLOW, {
      workflowId: input.jobId,
      taskQueue: config.temporal.taskQueue,
      args: [input],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: SEARCH_ATTRIBUTES.tenant, value: input.tenantId },
        { key: SEARCH_ATTRIBUTES.status, value: 'queued' },
        { key: SEARCH_ATTRIBUTES.provider, value: input.provider },
      ],
      memo: { source: memo.source, ...(memo.metadata ? { metadata: memo.metadata } : {}) },
      // Priority orders queued work across jobs; the tenant as fairness key keeps one tenant's burst
      // from starving the others within a priority level.
      priority: { priorityKey: PRIORITY_KEY[input.priority], fairnessKey: input.tenantId },
    });
    return { started: true };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { started: false };
    throw error;
  }
}

/**
 * Starts the workflow of a job that was recorded but whose request died before starting it (the
 * reconciler and an idempotent retry both do this); idempotent like startJobWorkflow.
 */
export function startRecordedJob(
  client: Client,
  config: Pick<AppConfig, 'temporal'>,
  job: JobDocument,
): Promise<{ started: boolean }> {
  const source = job.source.url ?? job.source.filename ?? 'upload';
  return startJobWorkflow(client, config, jobInputFromRecord(job), { source, metadata: job.metadata });
}
