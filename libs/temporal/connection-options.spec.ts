import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config';
import { temporalConnectionOptions } from './connection-options';

describe('temporalConnectionOptions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'voxflow-tls-'));
  writeFileSync(join(dir, 'client.pem'), 'CERT');
  writeFileSync(join(dir, 'client.key'), 'KEY');
  writeFileSync(join(dir, 'ca.pem'), 'CA');

  it('is plain for the local dev server', () => {
    expect(temporalConnectionOptions(loadConfig({}))).toEqual({ address: '127.0.0.1:7233' });
  });

  it('uses TLS with the API key for Temporal Cloud', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'tmprl-key' });
    expect(temporalConnectionOptions(config)).toEqual({
      address: 'ns.acct.tmprl.cloud:7233',
      apiKey: 'tmprl-key',
      tls: true,
    });
  });

  it('reads the mTLS pair and a private CA from their files', () => {
    const config = loadConfig({
      TEMPORAL_TLS_CERT: join(dir, 'client.pem'),
      TEMPORAL_TLS_KEY: join(dir, 'client.key'),
      TEMPORAL_TLS_CA: join(dir, 'ca.pem'),
    });
    const options = temporalConnectionOptions(config);
    expect(options.tls).toEqual({
      clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') },
      serverRootCACertificate: Buffer.from('CA'),
    });
  });

  it('refuses half a certificate pair and fails at once on a missing file', () => {
    expect(() => loadConfig({ TEMPORAL_TLS_CERT: join(dir, 'client.pem') })).toThrow(
      /TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together/,
    );
    const config = loadConfig({ TEMPORAL_TLS_CERT: join(dir, 'nope.pem'), TEMPORAL_TLS_KEY: join(dir, 'client.key') });
    expect(() => temporalConnectionOptions(config)).toThrow(/ENOENT/);
  });
});
