/* global EventSource, window, setTimeout, performance */
/**
 * The live model of the page: the latest row of every series, the overview and the alarms, kept
 * up to date by the server's event stream. The browser's EventSource reconnects by itself and
 * sends `Last-Event-ID`, so the server replays what the page missed (or sends a snapshot).
 */

/** @typedef {import('../wire.js').WireRow} WireRow */
/** @typedef {import('../wire.js').WireSnapshot} WireSnapshot */
/** @typedef {import('../wire.js').WireUpdates} WireUpdates */
/** @typedef {import('../wire.js').WireOverview} WireOverview */
/** @typedef {import('../wire.js').WireAlarm} WireAlarm */

/**
 * One series as the page holds it.
 * @typedef {{ id: string, phase: string, version: number, raw: number | string | null, value: number | null, time: number | null, flag: string | null, drift: number | null }} Row
 */

/**
 * @param {WireRow} r
 * @returns {Row}
 */
function toRow(r) {
  return { id: r[0], phase: r[1], version: r[2], raw: r[3], value: r[4], time: r[5], flag: r[6], drift: r[7] };
}

/**
 * Counters any test or benchmark can read on `window.streamnormStats`; a benchmark may also set
 * `window.streamnormDebug.onEvent(kind, data, receivedAt)` to see every event.
 * @typedef {{ events: number, snapshots: number, updates: number, rows: number, lastSeq: number, opens: number }} StreamStats
 */

export class LiveModel {
  constructor() {
    /** @type {Map<string, Row>} */
    this.rows = new Map();
    /** @type {WireOverview | null} */
    this.overview = null;
    /** @type {WireAlarm[]} */
    this.alarms = [];
    /** Bumped when series are added or removed (lists re-filter). */
    this.structure = 0;
    /** Bumped on every applied event. */
    this.revision = 0;
    /** @type {Set<() => void>} */
    this.listeners = new Set();
  }

  /**
   * Calls `fn` after every applied event; returns the unsubscribe function.
   * @param {() => void} fn
   * @returns {() => void}
   */
  subscribe(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** @param {WireSnapshot} s */
  applySnapshot(s) {
    this.rows = new Map(s.rows.map((r) => [r[0], toRow(r)]));
    this.overview = s.overview;
    this.alarms = s.alarms.slice(-200);
    this.structure++;
    this.changed();
  }

  /** @param {WireUpdates} u */
  applyUpdates(u) {
    let added = false;
    for (const r of u.rows) {
      const row = this.rows.get(r[0]);
      if (row === undefined) {
        this.rows.set(r[0], toRow(r));
        added = true;
        continue;
      }
      row.phase = r[1];
      row.version = r[2];
      row.raw = r[3];
      row.value = r[4];
      row.time = r[5];
      row.flag = r[6];
      row.drift = r[7];
    }
    for (const id of u.removed ?? []) added = this.rows.delete(id) || added;
    if (u.overview) this.overview = u.overview;
    if (u.alarms) this.alarms = this.alarms.concat(u.alarms).slice(-200);
    if (added) this.structure++;
    this.changed();
  }

  changed() {
    this.revision++;
    for (const fn of this.listeners) fn();
  }
}

/**
 * Opens the event stream into `model`; `onState` hears `live`, `reconnecting` or `down`.
 * @param {string} url
 * @param {LiveModel} model
 * @param {(state: string) => void} onState
 */
export function connectStream(url, model, onState) {
  /** @type {StreamStats} */
  const stats = { events: 0, snapshots: 0, updates: 0, rows: 0, lastSeq: 0, opens: 0 };
  /** @type {any} */ (window).streamnormStats = stats;
  const debug = () => /** @type {any} */ (window).streamnormDebug;
  const open = () => {
    const es = new EventSource(url);
    es.addEventListener('open', () => {
      stats.opens++;
      onState('live');
    });
    es.addEventListener('snapshot', (e) => {
      const receivedAt = Date.now();
      const t0 = performance.now();
      /** @type {WireSnapshot} */
      const s = JSON.parse(e.data);
      model.applySnapshot(s);
      stats.events++;
      stats.snapshots++;
      stats.rows += s.rows.length;
      stats.lastSeq = s.seq;
      debug()?.onEvent?.('snapshot', s, receivedAt, performance.now() - t0);
    });
    es.addEventListener('updates', (e) => {
      const receivedAt = Date.now();
      const t0 = performance.now();
      /** @type {WireUpdates} */
      const u = JSON.parse(e.data);
      model.applyUpdates(u);
      stats.events++;
      stats.updates++;
      stats.rows += u.rows.length;
      stats.lastSeq = u.seq;
      debug()?.onEvent?.('updates', u, receivedAt, performance.now() - t0);
    });
    es.addEventListener('error', () => {
      if (es.readyState === EventSource.CLOSED) {
        // Refused (e.g. the server restarted with another token): try again from scratch.
        onState('down');
        setTimeout(open, 3000);
      } else onState('reconnecting');
    });
  };
  open();
}
