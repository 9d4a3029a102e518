// Drain: the count shutdown waits on before it closes sessions.
import { describe, expect, it } from 'vitest';
import { Drain } from '../../../src/mcp/drain.js';

describe('Drain', () => {
  it('closes at once when nothing is running, and admits nothing after', async () => {
    const drain = new Drain();
    expect(drain.enter()).toBe(true);
    drain.leave();
    expect(await drain.close(1000)).toBe(true);
    expect(drain.closing).toBe(true);
    expect(drain.enter()).toBe(false);
    expect(drain.active).toBe(0);
  });

  it('resolves once the last request left, not before', async () => {
    const drain = new Drain();
    drain.enter();
    drain.enter();
    let drained: boolean | undefined;
    const closed = drain.close(5000).then((d) => (drained = d));
    drain.leave();
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBeUndefined();
    drain.leave();
    await closed;
    expect(drained).toBe(true);
  });

  it('gives up after the grace period with the requests still running', async () => {
    const drain = new Drain();
    drain.enter();
    const started = performance.now();
    expect(await drain.close(30)).toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(drain.active).toBe(1);
  });
});
