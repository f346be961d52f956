import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { TranscriptionJobInput, TranscriptionJobResult } from './job';

/**
 * Names shared by the API (client), the worker and the workflows. Workflows import this file,
 * so it must stay deterministic and free of Node built-ins.
 */
export const TASK_QUEUES = {
  /** Orchestration and short I/O activities. */
  jobs: 'voxflow-jobs',
} as const;

/** The job workflow's type name and signature, for clients that start it by name. */
export const TRANSCRIPTION_JOB_WORKFLOW = 'transcriptionJob';
export type TranscriptionJobWorkflow = (input: TranscriptionJobInput) => Promise<TranscriptionJobResult>;

const JOB_OUTCOMES = ['completed', 'failed', 'cancelled'] as const;
export type JobOutcome = (typeof JOB_OUTCOMES)[number];

/** The workflow that keeps retrying a job's webhook after the job's own first attempt failed. */
export const webhookDeliveryWorkflowId = (jobId: string, outcome: JobOutcome) => `${jobId}-webhook-${outcome}`;

/** Every workflow a job can have: its own (workflow id = job id) and its webhook deliveries. */
export const jobWorkflowIds = (jobId: string) => [
  jobId,
  ...JOB_OUTCOMES.map((outcome) => webhookDeliveryWorkflowId(jobId, outcome)),
];

/** Custom search attributes that make jobs findable in the Temporal UI and `temporal workflow list`. */
export const SEARCH_ATTRIBUTES = {
  tenant: defineSearchAttributeKey('VoxflowTenant', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('VoxflowStatus', SearchAttributeType.KEYWORD),
  provider: defineSearchAttributeKey('VoxflowProvider', SearchAttributeType.KEYWORD),
} as const;

export const ALL_SEARCH_ATTRIBUTES = Object.values(SEARCH_ATTRIBUTES);
