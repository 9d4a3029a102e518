// CircuitBreaker: when a gateway starts failing fast, and how one trial call decides whether it recovered.
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../../src/federation/forward/circuit-breaker.js';

function breaker() {
  const clock = { now: 0 };
  return { clock, b: new CircuitBreaker({ threshold: 2, cooldownMs: 10_000, now: () => clock.now }) };
}

describe('CircuitBreaker', () => {
  it('stays closed below the threshold and after a success resets the count', () => {
    const { b } = breaker();
    b.failure();
    b.success();
    b.failure();
    expect(() => b.admit('gw')).not.toThrow();
    expect(b.state).toBe('closed');
  });

  it('opens at the threshold with a message that says when it retries', () => {
    const { b, clock } = breaker();
    b.failure();
    b.failure();
    clock.now = 2_500;
    expect(() => b.admit('gw')).toThrow(
      'gateway gw is unavailable (circuit open after 2 failures); retrying in 8s',
    );
  });

  it('lets exactly one trial through after the cool-down; its success closes the circuit', () => {
    const { b, clock } = breaker();
    b.failure();
    b.failure();
    clock.now = 10_000;
    expect(b.state).toBe('half-open');
    b.admit('gw');
    expect(() => b.admit('gw')).toThrow(/circuit/);
    b.success();
    expect(b.state).toBe('closed');
    expect(() => b.admit('gw')).not.toThrow();
  });

  it('re-opens for another cool-down when the trial fails, and frees the trial slot when it was cancelled', () => {
    const { b, clock } = breaker();
    b.failure();
    b.failure();
    clock.now = 10_000;
    b.admit('gw');
    b.failure();
    expect(b.state).toBe('open');
    clock.now = 20_000;
    b.admit('gw');
    b.release();
    expect(() => b.admit('gw')).not.toThrow();
  });
});
