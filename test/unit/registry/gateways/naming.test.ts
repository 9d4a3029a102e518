import { describe, expect, it } from 'vitest';
import {
  FEDERATED_NAME,
  candidateNames,
  prefixedName,
  safeName,
} from '../../../../src/registry/gateways/sync/naming.js';

describe('federated names', () => {
  it('joins the gateway slug and the tool name with the separator', () => {
    expect(prefixedName('everything', 'echo', '-')).toBe('everything-echo');
    expect(prefixedName('everything', 'get-sum', '__')).toBe('everything__get-sum');
  });

  it('keeps names that already fit untouched', () => {
    expect(safeName('get_weather-v2')).toBe('get_weather-v2');
    expect(safeName('x'.repeat(64))).toBe('x'.repeat(64));
  });

  it('shortens long names to 64 characters, deterministically and distinctly', () => {
    const a = prefixedName('my-upstream', `${'very_long_tool_name_'.repeat(4)}a`, '-');
    const b = prefixedName('my-upstream', `${'very_long_tool_name_'.repeat(4)}b`, '-');
    expect(a).toHaveLength(64);
    expect(a).toMatch(FEDERATED_NAME);
    expect(a.startsWith('my-upstream-very_long_tool_name_')).toBe(true);
    expect(a).not.toBe(b);
    expect(prefixedName('my-upstream', `${'very_long_tool_name_'.repeat(4)}a`, '-')).toBe(a);
  });

  it('replaces characters providers reject and keeps look-alikes apart', () => {
    const dotted = safeName('weather.get forecast');
    expect(dotted).toMatch(/^weather_get_forecast-[0-9a-f]{8}$/);
    expect(safeName('weather_get_forecast')).toBe('weather_get_forecast');
    expect(safeName('a.b')).not.toBe(safeName('a/b'));
    expect(safeName('météo')).toMatch(/^meteo-[0-9a-f]{8}$/);
    expect(safeName('')).toMatch(FEDERATED_NAME);
    expect(safeName('日本語')).toMatch(FEDERATED_NAME);
  });

  it('offers the prefixed name first, the bare name, or the bare name with a prefixed fallback', () => {
    expect(candidateNames('always', 'gw', 'echo', '-')).toEqual({ first: 'gw-echo' });
    expect(candidateNames('never', 'gw', 'echo', '-')).toEqual({ first: 'echo' });
    expect(candidateNames('conflict', 'gw', 'echo', '-')).toEqual({ first: 'echo', fallback: 'gw-echo' });
  });
});
