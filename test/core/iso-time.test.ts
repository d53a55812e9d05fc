import { describe, expect, it } from 'vitest';
import { isoTime, parseTime } from '../../src/core/iso-time.js';

describe('isoTime', () => {
  it('writes what toISOString writes, across seconds, years, signs and the edges of Date', () => {
    const samples = [
      0, 1, 9, 10, 99, 100, 999, 1000, 1001, -1, -999, -1000, -1001, 1_764_769_613_349, 1_764_769_613_000, 1_764_769_613_999,
      253_402_300_799_999, 253_402_300_800_000, -62_167_219_200_001, 8.64e15, -8.64e15,
    ];
    // Consecutive calls in one second (the cached prefix) and jumps between seconds.
    for (let ms = 1_764_769_612_990; ms < 1_764_769_614_010; ms += 7) samples.push(ms);
    for (const epochMs of samples) expect(isoTime(epochMs)).toBe(new Date(epochMs).toISOString());
  });

  it('leaves fractions to Date and throws as Date does for an invalid time', () => {
    expect(isoTime(1_764_769_613_349.7)).toBe(new Date(1_764_769_613_349.7).toISOString());
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
    expect(() => isoTime(8.64e15 + 1)).toThrow(RangeError);
  });
});

describe('parseTime', () => {
  it('parses as Date.parse does, again for the same text, and for texts it does not remember', () => {
    for (const text of [
      '2026-12-03T13:46:53.349Z',
      '2026-12-03T13:46:53.349Z',
      '2026-12-03T13:46:54.000Z',
      'not a time',
      '2026-12-03T13:46:53.349+02:00',
      '2026-12-03',
    ])
      expect(Object.is(parseTime(text), Date.parse(text))).toBe(true);
  });
});
