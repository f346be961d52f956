import { createWorkerInfoActivities } from './worker-info.activity';

export type { WorkerDescription } from './worker-info.activity';

/** Everything an activity needs from the outside world, injected by the worker. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- grows with the pipeline
export interface ActivityDeps {}

/** Builds the activity implementations registered on the worker. */
export function createActivities(_deps: ActivityDeps) {
  return {
    ...createWorkerInfoActivities(),
  };
}

export type Activities = ReturnType<typeof createActivities>;
