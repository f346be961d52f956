import { hostname } from 'node:os';

/**
 * URLs a server-side fetch must refuse before connecting, aimed at the tripwire's port where an address
 * could be reached from here. `reason` is what the refusal must say.
 */
export function hostileUrls(port: number): { label: string; url: string; reason: RegExp }[] {
  const privateAddress = /loopback, private, link-local or reserved|is loopback|resolves to/;
  const at = (host: string) => `http://${host}:${port}/talk.mp3`;
  return [
    { label: 'IPv4 loopback', url: at('127.0.0.1'), reason: privateAddress },
    { label: 'IPv4 loopback, short form', url: at('127.1'), reason: privateAddress },
    { label: 'IPv4 loopback, decimal', url: at('2130706433'), reason: privateAddress },
    { label: 'IPv4 loopback, hex', url: at('0x7f000001'), reason: privateAddress },
    { label: 'IPv4 loopback, octal', url: at('0177.0.0.1'), reason: privateAddress },
    { label: 'unspecified 0.0.0.0', url: at('0.0.0.0'), reason: privateAddress },
    { label: 'IPv6 loopback', url: at('[::1]'), reason: privateAddress },
    { label: 'IPv4-mapped IPv6 loopback', url: at('[::ffff:127.0.0.1]'), reason: privateAddress },
    { label: 'IPv4-mapped IPv6, hex form', url: at('[::ffff:7f00:1]'), reason: privateAddress },
    { label: 'IPv6 unique local (ULA)', url: at('[fd00::1]'), reason: privateAddress },
    { label: 'IPv6 link-local', url: at('[fe80::1]'), reason: privateAddress },
    { label: 'IPv4-compatible IPv6 (metadata address)', url: 'http://[::a9fe:a9fe]/latest/', reason: privateAddress },
    { label: 'IPv4-compatible IPv6 loopback', url: at('[::127.0.0.1]'), reason: privateAddress },
    { label: 'IPv6 unspecified', url: at('[::]'), reason: privateAddress },
    { label: 'NAT64 well-known prefix', url: 'http://[64:ff9b::a9fe:a9fe]/', reason: privateAddress },
    { label: 'NAT64 local-use prefix', url: 'http://[64:ff9b:1::1]/', reason: privateAddress },
    { label: 'IPv6 discard-only', url: 'http://[100::1]/', reason: privateAddress },
    { label: 'IPv6 dummy prefix', url: 'http://[100:0:0:1::1]/', reason: privateAddress },
    { label: 'IETF protocol assignments (Teredo)', url: 'http://[2001::1]/', reason: privateAddress },
    { label: 'IETF protocol assignments (benchmarking)', url: 'http://[2001:2::1]/', reason: privateAddress },
    { label: 'IPv6 documentation 2001:db8::/32', url: 'http://[2001:db8::1]/', reason: privateAddress },
    { label: 'IPv6 documentation 3fff::/20', url: 'http://[3fff::1]/', reason: privateAddress },
    { label: '6to4', url: 'http://[2002:7f00:1::1]/', reason: privateAddress },
    { label: 'SRv6 SIDs', url: 'http://[5f00::1]/', reason: privateAddress },
    { label: 'IPv6 site-local (deprecated)', url: 'http://[fec0::1]/', reason: privateAddress },
    { label: 'IPv6 multicast', url: 'http://[ff02::1]/', reason: privateAddress },
    { label: 'private 10/8', url: 'http://10.0.0.1/talk.mp3', reason: privateAddress },
    { label: 'private 172.16/12', url: 'http://172.16.5.4/talk.mp3', reason: privateAddress },
    { label: 'private 192.168/16', url: 'http://192.168.1.1/talk.mp3', reason: privateAddress },
    { label: 'carrier-grade NAT 100.64/10', url: 'http://100.64.0.1/talk.mp3', reason: privateAddress },
    {
      label: 'cloud metadata 169.254.169.254',
      url: 'http://169.254.169.254/latest/meta-data/',
      reason: privateAddress,
    },
    { label: 'cloud metadata, IPv6 (AWS)', url: 'http://[fd00:ec2::254]/latest/meta-data/', reason: privateAddress },
    { label: 'name localhost', url: at('localhost'), reason: privateAddress },
    { label: 'name localhost. (trailing dot)', url: at('localhost.'), reason: privateAddress },
    { label: 'name *.localhost', url: at('api.localhost'), reason: privateAddress },
    {
      label: `this machine's name (${hostname()}), resolving to a private address`,
      url: at(hostname()),
      reason: privateAddress,
    },
    { label: 'scheme file:', url: 'file:///etc/passwd', reason: /only http and https/ },
    { label: 'scheme ftp:', url: 'ftp://example.com/talk.mp3', reason: /only http and https/ },
    { label: 'scheme gopher:', url: `gopher://127.0.0.1:${port}/_x`, reason: /only http and https/ },
    { label: 'scheme data:', url: 'data:audio/mpeg;base64,SUQz', reason: /only http and https/ },
    { label: 'scheme javascript:', url: 'javascript:alert(1)', reason: /only http and https/ },
    { label: 'credentials in the URL', url: 'http://user:secret@example.com/talk.mp3', reason: /credentials/ },
    { label: 'not a URL', url: 'talk.mp3', reason: /not a valid URL/ },
  ];
}
