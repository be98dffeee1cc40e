/* global setTimeout, clearTimeout */
/**
 * One series: its latest values and phase, raw and normalized over time (shaded by phase, version
 * changes marked), the frozen statistics and their versions, its counters, its drift score, and
 * the actions the control plane offers (freeze now; refit and approve when wired).
 */
import { h, setChildren, setText, frameThrottle } from './dom.js';
import { NONE, clock, count, num, rawText } from './format.js';
import { TimeChart } from './charts.js';

/** @typedef {import('./live.js').LiveModel} LiveModel */
/** @typedef {import('./api.js').Api} Api */
/** @typedef {import('../wire.js').WireMeta} WireMeta */
/** @typedef {import('../wire.js').WireHistory} WireHistory */
/** @typedef {import('../wire.js').WireVersion} WireVersion */

/** How often the open series' new points are fetched (ms). */
const POLL_MS = 1000;

/** Button labels of the actions. */
const ACTION_LABELS = /** @type {Record<string, string>} */ ({ freeze: 'Freeze now', refit: 'Refit', approve: 'Approve promotion' });

/**
 * @param {WireVersion} v
 * @returns {[string, string][]}
 */
function statsPairs(v) {
  return [
    ['version', `v${v.version}`],
    ['scaler', v.pre === 'none' ? v.kind : `${v.kind} (${v.pre})`],
    ['center', num(v.center)],
    ['scale', num(v.scale)],
    ['offset', num(v.offset)],
    ['fitted on', `${count(v.count)} values`],
    ['zero spread', v.zeroSpread ? 'yes (stuck sensor?)' : 'no'],
    ['frozen at', v.at === null ? 'before this dashboard started' : clock(v.at)],
  ];
}

/**
 * @param {[string, string][]} pairs
 * @param {string} prefix
 */
function dl(pairs, prefix) {
  return h('dl', { class: 'kv' }, pairs.flatMap(([k, v]) => [h('dt', {}, [k]), h('dd', { 'data-field': `${prefix}${k}` }, [v])]));
}

/** The series view page. */
export class SeriesView {
  /**
   * @param {HTMLElement} root
   * @param {LiveModel} model
   * @param {WireMeta} meta
   * @param {Api} api
   * @param {string} id
   */
  constructor(root, model, meta, api, id) {
    this.model = model;
    this.meta = meta;
    this.api = api;
    this.id = id;
    this.last = 0;
    /** @type {WireHistory | null} */
    this.history = null;
    this.points = { time: /** @type {number[]} */ ([]), raw: /** @type {(number | null)[]} */ ([]), value: /** @type {(number | null)[]} */ ([]), phase: /** @type {string[]} */ ([]), version: /** @type {number[]} */ ([]) };
    this.phaseEl = h('span', { class: 'ph', id: 'series-phase-badge' });
    this.versionEl = h('span', { class: 'badge', id: 'series-version' });
    this.rawEl = h('span', { class: 'big', id: 'series-raw' }, [NONE]);
    this.valueEl = h('span', { class: 'big', id: 'series-value' }, [NONE]);
    this.driftEl = h('span', { class: 'big', id: 'series-drift' }, [NONE]);
    this.timeEl = h('span', { class: 'muted', id: 'series-time' });
    this.message = h('span', { class: 'msg', id: 'action-message', role: 'status' });
    /** @type {Map<string, HTMLButtonElement>} */
    this.buttons = new Map(meta.actions.map((a) => [a, /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: 'action', 'data-action': a }, [ACTION_LABELS[a] ?? a]))]));
    for (const [name, btn] of this.buttons) btn.addEventListener('click', () => void this.act(name));
    this.rawBox = h('div', { class: 'chart', id: 'chart-raw' });
    this.valueBox = h('div', { class: 'chart', id: 'chart-normalized' });
    this.statsBox = h('div', { id: 'series-stats' });
    this.versionsBox = h('div', { id: 'series-versions' });
    this.countersBox = h('div', { id: 'series-counters' });
    const driftNote = meta.drift ? '' : 'drift detection is not enabled';
    setChildren(root, [
      h('div', { class: 'series-head' }, [
        h('a', { href: '#/series', class: 'back' }, ['← all series']),
        h('h1', { id: 'series-title' }, [id]),
        this.phaseEl,
        this.versionEl,
        h('span', { class: 'actions' }, [...this.buttons.values(), this.message]),
      ]),
      h('div', { class: 'cards' }, [
        h('section', { class: 'card' }, [h('h2', {}, ['Raw']), this.rawEl, h('div', { class: 'sub' }, [this.timeEl])]),
        h('section', { class: 'card' }, [h('h2', {}, ['Normalized']), this.valueEl]),
        h('section', { class: 'card' }, [h('h2', {}, ['Drift score']), this.driftEl, h('div', { class: 'sub muted' }, [driftNote])]),
      ]),
      h('section', { class: 'panel' }, [h('h2', {}, ['Raw']), this.rawBox]),
      h('section', { class: 'panel' }, [h('h2', {}, ['Normalized ', h('span', { class: 'legend' }, [h('i', { class: 'sw fitting' }), 'fitting ', h('i', { class: 'sw frozen' }), 'frozen ', h('i', { class: 'sw version' }), 'version change'])]), this.valueBox]),
      h('div', { class: 'columns' }, [
        h('section', { class: 'panel' }, [h('h2', {}, ['Frozen statistics']), this.statsBox]),
        h('section', { class: 'panel' }, [h('h2', {}, ['Versions']), this.versionsBox]),
        h('section', { class: 'panel' }, [h('h2', {}, ['Counters']), this.countersBox]),
      ]),
    ]);
    const empty = { time: [], y: [], phase: [], version: [] };
    this.rawChart = new TimeChart(this.rawBox, 'raw', '#1f6feb', empty);
    this.valueChart = new TimeChart(this.valueBox, 'normalized', '#d1242f', empty);
    this.render = frameThrottle(() => this.drawLive());
    this.unsubscribe = model.subscribe(() => this.render.schedule());
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    this.stopped = false;
    this.drawLive();
    void this.poll();
  }

  /** Fetches the points after the last one (then again after {@link POLL_MS}). */
  async poll() {
    clearTimeout(this.timer);
    try {
      const hist = await this.api.history(this.id, this.last);
      if (this.stopped) return;
      this.append(hist);
    } catch (e) {
      setText(this.message, `could not read the history: ${/** @type {Error} */ (e).message}`);
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.poll(), POLL_MS);
  }

  /** @param {WireHistory} hist */
  append(hist) {
    this.history = hist;
    const p = this.points;
    if (hist.last < this.last) for (const k of /** @type {const} */ (['time', 'raw', 'value', 'phase', 'version'])) p[k].length = 0; // the server restarted
    p.time.push(...hist.points.time);
    p.raw.push(...hist.points.raw);
    p.value.push(...hist.points.value);
    p.phase.push(...hist.points.phase);
    p.version.push(...hist.points.version);
    const excess = p.time.length - this.meta.historyPoints;
    if (excess > 0) for (const k of /** @type {const} */ (['time', 'raw', 'value', 'phase', 'version'])) p[k].splice(0, excess);
    this.last = hist.last;
    this.rawChart.setPoints({ time: p.time, y: p.raw, phase: p.phase, version: p.version });
    this.valueChart.setPoints({ time: p.time, y: p.value, phase: p.phase, version: p.version });
    this.drawStats(hist);
    this.drawLive();
  }

  /** @param {WireHistory} hist */
  drawStats(hist) {
    setChildren(this.statsBox, [hist.params ? dl(statsPairs(hist.params), 'stats-') : h('p', { class: 'muted' }, [hist.row[1] === 'fitting' ? 'Still fitting: no frozen statistics yet.' : 'No frozen statistics.'])]);
    const rows = hist.versions.map((v) => h('tr', { 'data-version': v.version }, [`v${v.version}`, num(v.center), num(v.scale), count(v.count), v.zeroSpread ? 'yes' : 'no', v.at === null ? 'before start' : clock(v.at)].map((c) => h('td', {}, [c]))));
    setChildren(this.versionsBox, rows.length ? [h('table', { class: 'table' }, [h('thead', {}, [h('tr', {}, ['version', 'center', 'scale', 'n', 'zero spread', 'frozen at'].map((c) => h('th', {}, [c])))]), h('tbody', {}, rows)])] : [h('p', { class: 'muted' }, ['None yet.'])]);
    const d = /** @type {Record<string, any> | null} */ (hist.diagnostics);
    /** @type {[string, string][]} */
    const pairs = [];
    if (d !== null) {
      for (const [reason, n] of Object.entries(d.invalid ?? {})) if (n > 0) pairs.push([`invalid: ${reason}`, count(n)]);
      for (const [k, n] of Object.entries(d)) if (k !== 'invalid' && typeof n === 'number' && n > 0) pairs.push([k, count(n)]);
    }
    setChildren(this.countersBox, pairs.length ? [dl(pairs, 'counter-')] : [h('p', { class: 'muted' }, ['Nothing counted for this series.'])]);
  }

  drawLive() {
    const row = this.model.rows.get(this.id);
    if (row === undefined) return;
    setText(this.phaseEl, row.phase);
    this.phaseEl.className = `ph ph-${row.phase}`;
    setText(this.versionEl, row.version > 0 ? `v${row.version}` : 'no version yet');
    setText(this.rawEl, rawText(row.raw));
    setText(this.valueEl, num(row.value));
    setText(this.driftEl, num(row.drift));
    setText(this.timeEl, row.time === null ? '' : `at ${clock(row.time)}${row.flag ? ` · ${row.flag}` : ''}`);
    const pending = this.history?.pending ?? null;
    const enabled = /** @type {Record<string, boolean>} */ ({ freeze: row.phase === 'fitting', refit: row.phase === 'frozen', approve: pending !== null });
    for (const [name, btn] of this.buttons) if (!btn.classList.contains('busy')) btn.disabled = !enabled[name];
  }

  /** @param {string} name */
  async act(name) {
    const btn = this.buttons.get(name);
    if (btn === undefined) return;
    btn.disabled = true;
    btn.classList.add('busy');
    setText(this.message, '…');
    try {
      const result = await this.api.action(name, [this.id]);
      setText(this.message, result.done.length > 0 ? `${name}: done` : `${name}: nothing to do (no valid value yet?)`);
    } catch (e) {
      setText(this.message, `${name} refused: ${/** @type {Error} */ (e).message}`);
    } finally {
      btn.classList.remove('busy');
      this.drawLive();
      void this.poll();
    }
  }

  resize() {
    this.rawChart.resize();
    this.valueChart.resize();
  }

  destroy() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.unsubscribe();
    this.render.cancel();
    this.rawChart.destroy();
    this.valueChart.destroy();
  }
}
