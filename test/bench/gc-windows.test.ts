/**
 * The benchmark's record of major GC pauses: a pause that happens while a measurement runs must be
 * in the windows `stop()` returns (the figures "with major GC pauses taken out" rest on it), and
 * `outsideGc` takes exactly the pauses out of a wait.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { MajorGcWindows, outsideGc } from '../../bench/gc-windows.js';

describe('MajorGcWindows', () => {
  it('holds the major GCs of a synchronous run, each as [start, end] inside it', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const windows = new MajorGcWindows();
    const t0 = performance.now();
    gc();
    gc();
    const t1 = performance.now();
    const got = await windows.stop();
    expect(got.length).toBe(2);
    for (const [s, e] of got) {
      expect(s).toBeGreaterThanOrEqual(t0 - 1);
      expect(e).toBeLessThanOrEqual(t1 + 1);
      expect(e).toBeGreaterThanOrEqual(s);
    }
  });

  it('outsideGc takes out the pauses inside a wait, once each, and nothing else', () => {
    expect(outsideGc([], 0, 10)).toBe(10);
    expect(outsideGc([[2, 4]], 0, 10)).toBe(8);
    expect(outsideGc([[2, 4], [3, 6], [20, 30]], 0, 10)).toBe(6);
    expect(outsideGc([[-5, 2], [9, 15]], 0, 10)).toBe(7);
  });
});
