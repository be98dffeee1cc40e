/**
 * The options of every `SeriesStore` the suite builds, set once from the command line
 * (`--drift=off` turns the stores' drift alarms off: the measurement the 0.1 store made, which had
 * none; the default is the library's default, drift on).
 */
import { SeriesStore, type SeriesStoreOptions } from '../operators/index.js';

let drift = true;

/** Sets whether the suite's stores run the drift alarms. */
export function setStoreDrift(on: boolean): void {
  drift = on;
}

/** Whether the suite's stores run the drift alarms. */
export function storeDrift(): boolean {
  return drift;
}

/** A store with the suite's options (and `extra`). */
export function benchStore(extra: SeriesStoreOptions = {}): SeriesStore {
  return new SeriesStore(drift ? extra : { ...extra, drift: false });
}
