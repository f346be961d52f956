/**
 * The signals that shut the API and the worker down cleanly (Nest's shutdown hooks). Not Nest's default of
 * every signal: SIGUSR2 and friends belong to tooling (profilers, debuggers, the benchmarks' heap probe).
 */
export const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'];
