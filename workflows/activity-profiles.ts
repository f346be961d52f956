import type { ActivityOptions } from '@temporalio/workflow';

/**
 * The few activity option profiles every workflow picks from. Attempts are always bounded:
 * Temporal's default is unlimited retries, which would hide a permanent failure forever.
 */

/** Quick database, storage or HTTP calls. */
export const SHORT_IO: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 8 },
};
