import { readFileSync } from 'node:fs';
import type { AppConfig } from '../config';

export interface TemporalConnectionOptions {
  address: string;
  apiKey?: string;
  tls?: boolean | { clientCertPair?: { crt: Buffer; key: Buffer }; serverRootCACertificate?: Buffer };
}

/**
 * Connection options for every Temporal connection (API client, worker, schedules): plain for the local dev
 * server; TLS with an API key for Temporal Cloud; mTLS (and a private CA) for Cloud or a self-hosted cluster.
 * The certificate files are read here, at start-up, so a wrong path fails at once.
 */
export function temporalConnectionOptions(config: Pick<AppConfig, 'temporal'>): TemporalConnectionOptions {
  const { address, apiKey, tls } = config.temporal;
  if (!tls && !apiKey) return { address };
  const clientCertPair =
    tls?.certPath && tls.keyPath ? { crt: readFileSync(tls.certPath), key: readFileSync(tls.keyPath) } : undefined;
  const serverRootCACertificate = tls?.caPath ? readFileSync(tls.caPath) : undefined;
  return {
    address,
    apiKey,
    tls: clientCertPair || serverRootCACertificate ? { clientCertPair, serverRootCACertificate } : true,
  };
}
