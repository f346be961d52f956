import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface JwksServer {
  url: string;
  issuer: string;
  audience: string;
  /** An RS256 token from the published key (or from an unpublished one with `unknownKey`). */
  sign(
    claims: JWTPayload,
    options?: { expiresIn?: string; audience?: string; issuer?: string; unknownKey?: boolean },
  ): Promise<string>;
  /** An unsigned `alg: none` token with the same claims. */
  unsigned(claims: JWTPayload): string;
  close(): Promise<void>;
}

/** An identity provider on 127.0.0.1: publishes one RS256 key at /jwks.json and signs test tokens. */
export async function startJwksServer(): Promise<JwksServer> {
  const published = await generateKeyPair('RS256');
  const unpublished = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(published.publicKey)), kid: 'voxflow-test-1', alg: 'RS256', use: 'sig' };
  const server = createServer((req, res) => {
    if (req.url === '/jwks.json')
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    res.writeHead(404).end();
  });
  await new Promise<void>((resolvePromise) => server.listen(0, '127.0.0.1', resolvePromise));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}/`;
  const audience = 'voxflow-live';
  const sign = async (
    claims: JWTPayload,
    options: { expiresIn?: string; audience?: string; issuer?: string; unknownKey?: boolean } = {},
  ) => {
    const key: CryptoKey = options.unknownKey ? unpublished.privateKey : published.privateKey;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: options.unknownKey ? 'not-published' : jwk.kid })
      .setIssuer(options.issuer ?? issuer)
      .setAudience(options.audience ?? audience)
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '5m')
      .sign(key);
  };
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    issuer,
    audience,
    sign,
    unsigned: (claims) => {
      const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...claims, iss: issuer, aud: audience, exp: Math.floor(Date.now() / 1000) + 300 })}.`;
    },
    close: () => new Promise((resolvePromise) => server.close(() => resolvePromise())),
  };
}
