import type { Activities } from '../libs/contracts/activities';
import type { ActivityDeps } from './activity-deps';
import { createCleanupActivities } from './cleanup.activity';
import { createCombinedStepActivities } from './combined-steps.activity';
import { createJobRecordActivities } from './job-record.activity';
import { createMediaActivities } from './media.activity';
import { createRetentionActivities } from './retention.activity';
import { createStoreActivities } from './store.activity';
import { createTranscribeActivities } from './transcribe.activity';
import { createTranslateActivities } from './translate.activity';
import { createWebhookActivities } from './webhook.activity';
import { createWorkerInfoActivities } from './worker-info.activity';

export type { ActivityDeps } from './activity-deps';

/** Builds the activity implementations registered on the worker. */
export function createActivities(deps: ActivityDeps): Activities {
  return {
    ...createWorkerInfoActivities(deps),
    ...createJobRecordActivities(deps),
    ...createMediaActivities(deps),
    ...createCleanupActivities(deps),
    ...createTranscribeActivities(deps),
    ...createTranslateActivities(deps),
    ...createStoreActivities(deps),
    ...createCombinedStepActivities(deps),
    ...createWebhookActivities(deps),
    ...createRetentionActivities(deps),
  };
}
