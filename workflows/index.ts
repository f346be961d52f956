export { retentionSweep } from './retention-sweep.workflow';
export { transcriptionJob } from './transcription-job.workflow';
export { webhookDelivery } from './webhook-delivery.workflow';
export { workerCanary } from './worker-canary.workflow';
