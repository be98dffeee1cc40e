/**
 * Number and time formatting for the page: compact, fixed-width friendly, and '–' for "none".
 */

/** The sign shown for a missing value. */
export const NONE = '–';

/**
 * A number in at most ~7 significant characters (exponent form for very large or small ones).
 * @param {number | null | undefined} x
 * @returns {string}
 */
export function num(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return NONE;
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e7 || a < 1e-3)) return x.toExponential(3);
  if (Number.isInteger(x)) return String(x);
  return String(Number(x.toPrecision(6)));
}

/**
 * A raw value as the wire carries it (a number, a text such as "NaN" or "ERR", or null).
 * @param {number | string | null} raw
 * @returns {string}
 */
export function rawText(raw) {
  if (raw === null) return 'null';
  return typeof raw === 'number' ? num(raw) : raw;
}

/**
 * A count with thousands separators.
 * @param {number | null | undefined} n
 * @returns {string}
 */
export function count(n) {
  return n === null || n === undefined ? NONE : Math.round(n).toLocaleString('en-US');
}

/**
 * A duration in the largest sensible unit.
 * @param {number} ms
 * @returns {string}
 */
export function duration(ms) {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.floor(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/**
 * A wall-clock time (local, to the second).
 * @param {number | null | undefined} ms
 * @returns {string}
 */
export function clock(ms) {
  if (ms === null || ms === undefined) return NONE;
  const d = new Date(ms);
  const p = (/** @type {number} */ v) => String(v).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
