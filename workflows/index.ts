export { workerCanary } from './worker-canary.workflow';
