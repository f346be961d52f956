import { OutboundPolicy, OutboundRefusedError } from './outbound-policy';

describe('OutboundPolicy', () => {
  const strict = new OutboundPolicy();

  it.each([
    ['http://127.0.0.1/a.mp3', 'loopback'],
    ['http://localhost:8080/a.mp3', 'loopback'],
    ['http://2130706433/a.mp3', 'decimal IPv4'],
    ['http://0x7f.1/a.mp3', 'hex IPv4'],
    ['http://0177.0.0.1/a.mp3', 'octal IPv4'],
    ['http://10.1.2.3/a.mp3', 'private'],
    ['http://172.20.0.1/a.mp3', 'private'],
    ['http://192.168.1.10/a.mp3', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'cloud metadata'],
    ['http://100.100.100.200/', 'carrier-grade NAT (Alibaba metadata)'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://[::1]/a.mp3', 'IPv6 loopback'],
    ['http://[fd00:ec2::254]/', 'IPv6 ULA (AWS metadata)'],
    ['http://[fe80::1]/', 'IPv6 link-local'],
    ['http://[::ffff:127.0.0.1]/a.mp3', 'IPv4-mapped loopback'],
    ['http://[::ffff:a9fe:a9fe]/', 'IPv4-mapped metadata'],
  ])('refuses %s (%s)', (url) => {
    expect(() => strict.assertUrlAllowed(url)).toThrow(OutboundRefusedError);
  });

  it.each(['file:///etc/passwd', 'ftp://example.com/a.mp3', 'gopher://example.com/', 'data:audio/wav;base64,AAAA'])(
    'refuses the non-http scheme of %s',
    (url) => {
      expect(() => strict.assertUrlAllowed(url)).toThrow(/only http and https/);
    },
  );

  it('refuses embedded credentials and garbage', () => {
    expect(() => strict.assertUrlAllowed('https://user:pw@example.com/a.mp3')).toThrow(/credentials/);
    expect(() => strict.assertUrlAllowed('not a url')).toThrow(/not a valid URL/);
  });

  it('allows public addresses and names', () => {
    expect(strict.assertUrlAllowed('https://cdn.example.com/a.mp3').hostname).toBe('cdn.example.com');
    expect(strict.assertUrlAllowed('http://93.184.216.34/a.mp3').hostname).toBe('93.184.216.34');
    expect(strict.refusalFor('2606:4700::1111')).toBeUndefined();
  });

  it('lets OUTBOUND_ALLOW_CIDRS open exactly the listed ranges', () => {
    const local = new OutboundPolicy(['127.0.0.1/32']);
    expect(local.assertUrlAllowed('http://127.0.0.1:4010/a.wav').port).toBe('4010');
    expect(local.assertUrlAllowed('http://[::ffff:127.0.0.1]/a.wav')).toBeInstanceOf(URL);
    expect(() => local.assertUrlAllowed('http://127.0.0.2/')).toThrow(OutboundRefusedError);
    expect(() => local.assertUrlAllowed('http://10.0.0.1/')).toThrow(OutboundRefusedError);
  });

  it('refuses at connect time a name that resolves to a forbidden address', async () => {
    const error = await new Promise<Error | null>((resolve) => strict.lookup('localhost', {}, (e) => resolve(e)));
    expect(error).toBeInstanceOf(OutboundRefusedError);
    expect(error?.message).toMatch(/localhost resolves to/);

    const allowed = new OutboundPolicy(['127.0.0.0/8', '::1/128']);
    const address = await new Promise<string>((resolve, reject) =>
      allowed.lookup('localhost', {}, (e, a) => (e ? reject(e) : resolve(a as string))),
    );
    expect(['127.0.0.1', '::1']).toContain(address);
  });
});
