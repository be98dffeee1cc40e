/**
 * The overview: series by phase, readings per second (with a chart of the last minutes), invalid
 * values by reason, the pipeline's own counters (malformed, dead letters, publish and write
 * failures) and the alarms.
 */
import { h, setChildren, setText, frameThrottle } from './dom.js';
import { NONE, clock, count, duration, num } from './format.js';
import { TimeChart } from './charts.js';

/** @typedef {import('./live.js').LiveModel} LiveModel */
/** @typedef {import('../wire.js').WireMeta} WireMeta */
/** @typedef {import('../wire.js').WireOverview} WireOverview */

/** Labels of the pipeline counters, in the order shown. */
const COUNTERS = /** @type {const} */ ([
  ['received', 'received'],
  ['malformed', 'malformed messages'],
  ['deadLettered', 'dead letters'],
  ['published', 'published'],
  ['publishFailures', 'publish failures'],
  ['written', 'written to InfluxDB'],
  ['writeFailures', 'write failures'],
]);

/**
 * A card with a title and a big number.
 * @param {string} title
 * @param {string} metric the `data-metric` name (tests read it)
 * @returns {{ card: HTMLElement, value: HTMLElement, sub: HTMLElement }}
 */
function card(title, metric) {
  const value = h('div', { class: 'big', 'data-metric': metric }, [NONE]);
  const sub = h('div', { class: 'sub' });
  return { card: h('section', { class: 'card' }, [h('h2', {}, [title]), value, sub]), value, sub };
}

/**
 * key: value lines.
 * @param {[string, string][]} pairs
 * @param {string} prefix data-metric prefix
 * @returns {HTMLElement}
 */
function lines(pairs, prefix) {
  return h('dl', { class: 'kv' }, pairs.flatMap(([k, v]) => [h('dt', {}, [k]), h('dd', { 'data-metric': `${prefix}${k}` }, [v])]));
}

/** The overview page. */
export class OverviewView {
  /**
   * @param {HTMLElement} root
   * @param {LiveModel} model
   * @param {WireMeta} meta
   */
  constructor(root, model, meta) {
    this.model = model;
    this.meta = meta;
    this.series = card('Series', 'series-total');
    this.rate = card('Readings / s', 'readings-rate');
    this.invalid = card('Invalid values', 'invalid-total');
    this.pipeline = card('Pipeline', 'received');
    this.rateChartBox = h('div', { class: 'chart small' });
    this.alarmsBox = h('div', { class: 'alarms', 'data-metric': 'alarms' });
    /** @type {{ time: number[], y: number[] }} */
    this.rateHistory = { time: [], y: [] };
    setChildren(root, [
      h('div', { class: 'cards' }, [this.series.card, this.rate.card, this.invalid.card, this.pipeline.card]),
      h('section', { class: 'panel' }, [h('h2', {}, ['Readings per second']), this.rateChartBox]),
      h('section', { class: 'panel' }, [h('h2', {}, ['Drift alarms']), this.alarmsBox]),
    ]);
    this.chart = new TimeChart(this.rateChartBox, 'readings/s', '#1f6feb', { time: [], y: [], phase: [], version: [] });
    this.lastAt = 0;
    this.render = frameThrottle(() => this.draw());
    this.unsubscribe = model.subscribe(() => this.render.schedule());
    this.draw();
  }

  draw() {
    const o = this.model.overview;
    if (o === null) return;
    const s = o.series;
    const total = Object.values(s).reduce((a, b) => a + b, 0);
    setText(this.series.value, count(total));
    setChildren(this.series.sub, [lines(Object.entries(s).map(([k, v]) => [k, count(v)]), 'series-')]);
    setText(this.rate.value, num(Math.round(o.readingsPerSecond)));
    setChildren(this.rate.sub, [lines([['readings', count(o.readings)], ...Object.entries(o.outputs).map(([k, v]) => /** @type {[string, string]} */ ([`${k} outputs`, count(v)])), ['uptime', duration(o.uptimeMs)]], 'rate-')]);
    const invalidTotal = Object.values(o.invalid).reduce((a, b) => a + b, 0);
    setText(this.invalid.value, count(invalidTotal));
    setChildren(this.invalid.sub, [lines(Object.entries(o.invalid).map(([k, v]) => [k, count(v)]), 'invalid-')]);
    setText(this.pipeline.value, count(o.counters.received ?? o.readings));
    const pairs = COUNTERS.filter(([k]) => k !== 'received').map(([k, label]) => /** @type {[string, string]} */ ([label, k in o.counters ? count(o.counters[k]) : NONE]));
    setChildren(this.pipeline.sub, [lines([...pairs, ['frozen (total)', count(o.frozen)], ['evicted', count(o.evicted)]], 'pipeline-')]);
    if (o.at !== this.lastAt) {
      this.lastAt = o.at;
      this.rateHistory.time.push(o.at);
      this.rateHistory.y.push(o.readingsPerSecond);
      if (this.rateHistory.time.length > 600) {
        this.rateHistory.time.shift();
        this.rateHistory.y.shift();
      }
      const n = this.rateHistory.time.length;
      this.chart.setPoints({ time: this.rateHistory.time, y: this.rateHistory.y, phase: new Array(n).fill('none'), version: new Array(n).fill(0) });
    }
    this.drawAlarms();
  }

  drawAlarms() {
    const alarms = this.model.alarms;
    if (alarms.length === 0) {
      const text = this.meta.drift ? 'No drift alarms so far.' : 'No drift alarms: drift detection is not enabled in this pipeline.';
      if (this.alarmsBox.textContent !== text) setChildren(this.alarmsBox, [h('p', { class: 'muted' }, [text])]);
      return;
    }
    const rows = alarms
      .slice(-50)
      .reverse()
      .map((a) => h('tr', {}, [h('td', {}, [clock(a.time)]), h('td', {}, [h('a', { href: `#/series/${encodeURIComponent(a.series)}` }, [a.series])]), h('td', {}, [a.kind]), h('td', { class: 'num' }, [num(a.score)]), h('td', { class: 'num' }, [`v${a.version}`])]));
    setChildren(this.alarmsBox, [h('table', { class: 'table' }, [h('thead', {}, [h('tr', {}, ['time', 'series', 'kind', 'score', 'version'].map((c) => h('th', {}, [c])))]), h('tbody', {}, rows)])]);
  }

  resize() {
    this.chart.resize();
  }

  destroy() {
    this.unsubscribe();
    this.render.cancel();
    this.chart.destroy();
  }
}
