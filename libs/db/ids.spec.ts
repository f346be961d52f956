import { newId } from './ids';

describe('newId', () => {
  it('prefixes and sorts by creation time', () => {
    const earlier = newId('job', Date.UTC(2026, 0, 1));
    const later = newId('job', Date.UTC(2026, 0, 1, 0, 0, 0, 1));
    expect(earlier).toMatch(/^job_[0-9a-z]{26}$/);
    expect(earlier < later).toBe(true);
  });

  it('does not repeat within the same millisecond', () => {
    const now = Date.now();
    const ids = new Set(Array.from({ length: 1000 }, () => newId('job', now)));
    expect(ids.size).toBe(1000);
  });
});
