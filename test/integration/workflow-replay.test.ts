import { Worker } from '@temporalio/worker';
import { readdirSync } from 'node:fs';
import { workflowSource } from '../../apps/worker/workflow-source';
import { HISTORIES_DIR, markersIn, readHistory } from '../support/histories';

/**
 * Recorded histories of real runs, replayed against today's workflow code. A change that would break
 * running workflows (non-determinism) fails here; put such changes behind `patched()`.
 * Re-record with: RECORD_HISTORIES=1 npm run test:integration -- --testPathPatterns pipeline
 */
describe('workflow replay', () => {
  const fixtures = readdirSync(HISTORIES_DIR).filter((file) => file.endsWith('.json'));

  // Each older generation ran before a patch, and jobs like them may still be running when a new worker takes
  // over: `*.job-record-activity.json` before 'job-record-local-activity' (the job record moved to local
  // activities), `*.probe-activity.json` before 'fewer-tasks-per-job' (probe folded into chunking, first webhook
  // attempt made by the job), `*.before-combined-steps.json` before 'combined-steps' (download and chunking, merging
  // and storing in one activity each). Today's histories carry every patch marker.
  const outcomes = ['completed', 'cancelled', 'failed-provider-auth', 'provider-fallback'];
  const generations: { suffix: string; markers: string[] }[] = [
    { suffix: '', markers: ['job-record-local-activity', 'fewer-tasks-per-job', 'combined-steps'] },
    { suffix: '.before-combined-steps', markers: ['job-record-local-activity', 'fewer-tasks-per-job'] },
    { suffix: '.probe-activity', markers: ['job-record-local-activity'] },
    { suffix: '.job-record-activity', markers: [] },
  ];

  it('has recorded histories to replay, from today and from before each patch', () => {
    expect(fixtures).toEqual(
      expect.arrayContaining(
        outcomes.flatMap((outcome) => generations.map(({ suffix }) => `transcription-job.${outcome}${suffix}.json`)),
      ),
    );
  });

  it.each(outcomes)('covers every side of each patch for %s', (outcome) => {
    for (const { suffix, markers } of generations) {
      const { patches } = markersIn(readHistory(`transcription-job.${outcome}${suffix}.json`).events ?? []);
      expect({ suffix, markers: patches }).toEqual({ suffix, markers });
    }
  });

  it('has retention sweeps from before and after each of its patches (a sweep may span a deploy)', () => {
    const patchesOf = (file: string) => markersIn(readHistory(file).events ?? []).patches;
    expect(patchesOf('retention-sweep.json')).toEqual(['live-transcript-retention', 'end-abandoned-live-sessions']);
    expect(patchesOf('retention-sweep.before-abandoned-sessions.json')).toEqual(['live-transcript-retention']);
    expect(patchesOf('retention-sweep.before-live-transcripts.json')).toEqual([]);
  });

  it('replays every history deterministically on the bundle workers run', async () => {
    const histories = fixtures.map((file) => ({ workflowId: file, history: readHistory(file) }));
    const failures: Record<string, string> = {};
    let replayed = 0;
    for await (const { workflowId, error } of Worker.runReplayHistories(workflowSource(false), histories)) {
      replayed += 1;
      if (error) failures[workflowId] = String(error);
    }
    expect(failures).toEqual({});
    expect(replayed).toBe(fixtures.length);
  });
});
