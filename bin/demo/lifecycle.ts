import type { Subscription } from 'rxjs';
import type { DriftOptions, RefitPolicy, SeriesStore } from '../../operators/index.js';
import { SLOWEST_CYCLE_S, type FleetStep } from './fleet.js';

/**
 * The statistics lifecycle as the demo shows it: drift alarms on frozen series, a refit on a CUSUM
 * alarm, the new version promoted and announced.
 *
 * The simulated sensors follow slow cycles (a sinusoid far above its noise), so their frozen
 * z-scores swing between about ±1.4 by design; the default CUSUM (k 0.5) would add up each half
 * cycle and alarm every cycle. The demo's CUSUM allows 1.5σ (k) before it sums, so only a shift
 * beyond the cycle's own range counts: the step the demo injects.
 */
export const DEMO_DRIFT: DriftOptions = { cusum: { k: 1.5, h: 10 } };

/** Refit on a CUSUM alarm, promoted at once. */
export const DEMO_REFIT: RefitPolicy = { onAlarm: ['cusum'] };

/** Training samples that span the slowest cycle, at `periodMs` per tick and `speed` simulated seconds per second. */
export function trainTicks(periodMs: number, speed: number): number {
  return Math.ceil((SLOWEST_CYCLE_S * 1000) / (periodMs * speed)) + 1;
}

/** The step the demo injects: +8 °C on the last site's first device's temperature, after twice the training window. */
export function demoStep(sites: number, train: number): FleetStep {
  return { site: `site${sites}`, device: 'dev1', field: 'temperature', atTick: 2 * train, size: 8 };
}

/** Prints drift alarms (the first of each refit) and promotions: the non-TTY view, `--no-view`. */
export function reportLifecycle(store: SeriesStore, out: (line: string) => void): Subscription {
  const refitting = new Set<string>();
  const sub = store.drift$.subscribe((a) => {
    if (refitting.has(a.series)) return; // further alarms while the refit learns are counted, not acted on
    refitting.add(a.series);
    out(`drift alarm: ${a.series} ${a.kind} score ${a.score.toFixed(1)} on v${a.version}: a refit learns a new window`);
  });
  sub.add(
    store.frozen$.subscribe((f) => {
      if (f.history === undefined || f.history.length === 0) return;
      refitting.delete(f.series);
      out(`promoted: ${f.series} v${f.params.version} (center ${f.params.center.toPrecision(6)}, scale ${f.params.scale.toPrecision(4)}; was v${f.history.at(-1)?.version})`);
    }),
  );
  return sub;
}
