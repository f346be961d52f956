import { readFileSync } from 'node:fs';

/** The fields of /proc/<pid>/stat after the command name: state first, then the parent's pid. */
function statFields(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  } catch {
    return undefined; // Reaped (or never there).
  }
}

/** A process's state letter (R, S, Z, …), or undefined once it is reaped. */
export const processState = (pid: number): string | undefined => statFields(pid)?.[0];

/** Running: it exists and is not a zombie (a killed orphan stays one until whoever adopted it reaps it). */
export const isRunning = (pid: number): boolean => ![undefined, 'Z'].includes(processState(pid));

export const parentPid = (pid: number): number => Number(statFields(pid)?.[1]);
