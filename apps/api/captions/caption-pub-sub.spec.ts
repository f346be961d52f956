import { captionPubSubFor } from './caption-pub-sub';

describe('captionPubSubFor', () => {
  it('uses sharded pub/sub from Redis 7.0 on, and the pattern adapter before', () => {
    expect(captionPubSubFor('7.0.15')).toBe('sharded');
    expect(captionPubSubFor('8.2.1')).toBe('sharded');
    expect(captionPubSubFor('10.0.0')).toBe('sharded');
    expect(captionPubSubFor('6.2.14')).toBe('pattern');
    expect(captionPubSubFor('5.0.7')).toBe('pattern');
  });

  it('takes an unknown version to be current', () => {
    expect(captionPubSubFor(undefined)).toBe('sharded');
    expect(captionPubSubFor('unstable')).toBe('sharded');
  });
});
