import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** Ranges a server-side fetch must never reach: loopback, private, link-local (cloud metadata), reserved. */
const FORBIDDEN_V4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
];
/**
 * Every range of the IANA IPv6 special-purpose registry that is not globally reachable, and the deprecated ones
 * that embed IPv4 or were local: `::/96` holds the unspecified and loopback addresses and the IPv4-compatible
 * form (`::a9fe:a9fe` is 169.254.169.254). IPv4-mapped addresses (`::ffff:…`) are judged as their IPv4 address.
 */
const FORBIDDEN_V6 = [
  '::/96',
  '64:ff9b::/96',
  '64:ff9b:1::/48',
  '100::/64',
  '100:0:0:1::/64',
  '2001::/23',
  '2001:db8::/32',
  '2002::/16',
  '3fff::/20',
  '5f00::/16',
  'fc00::/7',
  'fe80::/10',
  'fec0::/10',
  'ff00::/8',
];

export class OutboundRefusedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'OutboundRefusedError';
  }
}

function blockListOf(v4: string[], v6: string[]): BlockList {
  const list = new BlockList();
  for (const cidr of v4) list.addSubnet(...splitCidr(cidr), 'ipv4');
  for (const cidr of v6) list.addSubnet(...splitCidr(cidr), 'ipv6');
  return list;
}

function splitCidr(cidr: string): [string, number] {
  const [address, prefix] = cidr.split('/');
  return [address!, Number(prefix)];
}

/** `::ffff:a.b.c.d` (and the hex form the URL parser produces) carries an IPv4 address: judge that one. */
function embeddedIPv4(address: string): string | undefined {
  const mapped = /^::ffff:(?:0:)?(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(address);
  if (!mapped) return undefined;
  if (mapped[1]) return mapped[1];
  const high = parseInt(mapped[2]!, 16);
  const low = parseInt(mapped[3]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/**
 * Decides which addresses server-side fetches (`audio_url`, `webhook_url`) may reach. Checked twice:
 * on the URL (literal IPs in any notation, schemes, credentials) and at connect time through the agent's
 * DNS lookup, so a name that resolves, or later re-resolves, to a private address is refused too.
 */
export class OutboundPolicy {
  private readonly forbidden = blockListOf(FORBIDDEN_V4, FORBIDDEN_V6);
  private readonly allowed: BlockList;

  constructor(allowCidrs: readonly string[] = []) {
    this.allowed = new BlockList();
    for (const cidr of allowCidrs) {
      const [address, prefix] = splitCidr(cidr);
      this.allowed.addSubnet(address, prefix, isIP(address) === 6 ? 'ipv6' : 'ipv4');
    }
  }

  /** Why `address` may not be reached, or undefined when it may. */
  refusalFor(address: string): string | undefined {
    const family = isIP(address);
    if (family === 0) return `"${address}" is not an IP address`;
    const v4 = family === 6 ? embeddedIPv4(address) : address;
    const [candidate, type] = v4 ? [v4, 'ipv4' as const] : [address, 'ipv6' as const];
    if (this.allowed.check(candidate, type) || (v4 !== address && this.allowed.check(address, 'ipv6')))
      return undefined;
    if (this.forbidden.check(candidate, type))
      return `${address} is a loopback, private, link-local or reserved address`;
    return undefined;
  }

  /** Validates a URL before any connection: scheme, embedded credentials, literal IP hosts. */
  assertUrlAllowed(raw: string | URL): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new OutboundRefusedError(`"${String(raw)}" is not a valid URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new OutboundRefusedError(`only http and https URLs are allowed, not ${url.protocol.replace(':', '')}`);
    }
    if (url.username || url.password) throw new OutboundRefusedError('URLs with embedded credentials are not allowed');
    // `localhost.` is `localhost`: judge the name without its root dot.
    const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
    if (isIP(host)) {
      const refusal = this.refusalFor(host);
      if (refusal) throw new OutboundRefusedError(`refused: ${refusal}`);
    } else if (host === 'localhost' || host.endsWith('.localhost')) {
      const refusal = this.refusalFor('127.0.0.1');
      if (refusal) throw new OutboundRefusedError(`refused: ${host} is loopback`);
    }
    return url;
  }

  /**
   * The submit-time check: the URL rules plus the addresses its name resolves to now. The connect-time
   * lookup still applies when the worker fetches (DNS may change in between).
   */
  async checkUrl(raw: string): Promise<URL> {
    const url = this.assertUrlAllowed(raw);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) return url;
    await new Promise<void>((resolvePromise, reject) =>
      this.lookup(host, { all: true }, (error) => {
        if (!error) return resolvePromise();
        reject(
          error instanceof OutboundRefusedError ? error : new OutboundRefusedError(`the host ${host} does not resolve`),
        );
      }),
    );
    return url;
  }

  /** A `lookup` for http(s).Agent: resolves, then refuses the connection if any answer is forbidden. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.map((a) => this.refusalFor(a.address)).find((reason) => reason !== undefined);
      if (refused) {
        return callback(new OutboundRefusedError(`refused: ${hostname} resolves to ${refused}`), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}
