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

/** Custom search attributes that make jobs findable in the Temporal UI and `temporal workflow list`. */
export const SEARCH_ATTRIBUTES = {
  tenant: defineSearchAttributeKey('VoxflowTenant', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('VoxflowStatus', SearchAttributeType.KEYWORD),
  provider: defineSearchAttributeKey('VoxflowProvider', SearchAttributeType.KEYWORD),
} as const;

export const ALL_SEARCH_ATTRIBUTES = Object.values(SEARCH_ATTRIBUTES);
