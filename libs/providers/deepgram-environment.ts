import { DeepgramEnvironment, type DeepgramEnvironmentUrls } from '@deepgram/sdk';

/**
 * DEEPGRAM_BASE_URL names one host; the SDK wants its REST and WebSocket URLs separately.
 * http(s)://host → REST on it and ws(s)://host for streaming.
 */
export function deepgramEnvironment(baseUrl?: string): DeepgramEnvironmentUrls {
  if (!baseUrl) return DeepgramEnvironment.Production;
  const rest = baseUrl.replace(/\/+$/, '');
  const socket = rest.replace(/^http/, 'ws');
  return { base: rest, production: socket, agent: socket, agentRest: rest };
}
