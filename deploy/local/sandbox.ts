import { isPortOpen } from './probes';

export const SIMULATOR_PORT = 4010;

export interface ProviderSetup {
  /** Environment for the API and worker (provider keys and base URLs). */
  env: Record<string, string>;
  /** True when providers are the local simulator. */
  sandbox: boolean;
  /** Set when this run must start the simulator itself. */
  startSimulator: boolean;
  simulatorUrl?: string;
}

/**
 * Real providers when a key is set; otherwise the provider simulator (reused if one already answers on
 * 4010), announced as sandbox mode so nobody mistakes simulated transcripts for real ones.
 */
export async function providerSetup(env: NodeJS.ProcessEnv): Promise<ProviderSetup> {
  if (env.OPENAI_API_KEY || env.DEEPGRAM_API_KEY) return { env: {}, sandbox: false, startSimulator: false };
  const simulatorUrl = `http://127.0.0.1:${SIMULATOR_PORT}`;
  const running = (await isPortOpen(SIMULATOR_PORT)) && (await simulatorAnswers(simulatorUrl));
  return {
    sandbox: true,
    startSimulator: !running,
    simulatorUrl,
    env: {
      OPENAI_API_KEY: 'sk-sandbox',
      OPENAI_BASE_URL: `${simulatorUrl}/v1`,
      DEEPGRAM_API_KEY: 'dg-sandbox',
      DEEPGRAM_BASE_URL: simulatorUrl,
      DEEPSEEK_API_KEY: 'ds-sandbox',
      DEEPSEEK_BASE_URL: `${simulatorUrl}/v1`,
    },
  };
}

async function simulatorAnswers(url: string): Promise<boolean> {
  try {
    const body = (await (await fetch(`${url}/__sim/health`, { signal: AbortSignal.timeout(2_000) })).json()) as {
      simulator?: string;
    };
    return body.simulator === 'voxflow-provider-simulator';
  } catch {
    return false;
  }
}

export const SANDBOX_BANNER =
  'SANDBOX MODE: no OPENAI_API_KEY or DEEPGRAM_API_KEY is set, so providers are the local simulator.\n' +
  '  Transcripts and translations are SIMULATED (deterministic words from the audio, not real speech recognition).\n' +
  '  Set OPENAI_API_KEY (and/or DEEPGRAM_API_KEY, DEEPSEEK_API_KEY) to use real providers.';
