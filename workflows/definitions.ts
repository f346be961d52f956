import { defineQuery } from '@temporalio/workflow';
import type { JobProgress } from '../libs/contracts/job';

/** Live progress of a transcription job; the API and ops tools query it by this definition. */
export const progressQuery = defineQuery<JobProgress>('progress');
