/**
 * The series list: every series with its phase, version, latest raw and normalized value, drift
 * score and time; filtered by a pattern, sorted by any column, and virtualized (only the rows in
 * view exist in the DOM, a fixed pool reused while scrolling), so 10 000 series stay fast.
 */
import { h, setChildren, setText, frameThrottle } from './dom.js';
import { NONE, clock, count, num, rawText } from './format.js';

/** @typedef {import('./live.js').LiveModel} LiveModel */
/** @typedef {import('./live.js').Row} Row */

/** Row height in CSS pixels (the stylesheet's `.row` height). */
const ROW_H = 28;
/** Rows drawn above and below the visible ones. */
const OVERSCAN = 8;
/** Live columns are re-sorted at most this often (ms). */
const RESORT_MS = 1000;

/** @typedef {'id' | 'phase' | 'version' | 'raw' | 'value' | 'drift' | 'time'} SortKey */

/** @type {{ key: SortKey, label: string, numeric: boolean, live: boolean }[]} */
const COLUMNS = [
  { key: 'id', label: 'Series', numeric: false, live: false },
  { key: 'phase', label: 'Phase', numeric: false, live: true },
  { key: 'version', label: 'Version', numeric: true, live: true },
  { key: 'raw', label: 'Raw', numeric: true, live: true },
  { key: 'value', label: 'Normalized', numeric: true, live: true },
  { key: 'drift', label: 'Drift', numeric: true, live: true },
  { key: 'time', label: 'Updated', numeric: true, live: true },
];

/** The list's state, kept across visits. */
const state = { filter: '', phase: '', key: /** @type {SortKey} */ ('id'), dir: 1, scroll: 0 };

const collator = new Intl.Collator('en', { numeric: true });

/**
 * A predicate for the filter text: `/regex/`, a glob (`*`, `?`), or a substring (case-insensitive).
 * @param {string} text
 * @returns {((id: string) => boolean) | null} null when the pattern is not valid
 */
export function matcher(text) {
  const t = text.trim();
  if (t === '') return () => true;
  if (t.length > 2 && t.startsWith('/') && t.endsWith('/')) {
    try {
      const re = new RegExp(t.slice(1, -1), 'i');
      return (id) => re.test(id);
    } catch {
      return null;
    }
  }
  if (/[*?]/.test(t)) {
    const re = new RegExp(`^${t.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
    return (id) => re.test(id);
  }
  const lower = t.toLowerCase();
  return (id) => id.toLowerCase().includes(lower);
}

/**
 * The sort value of a row for a column (numbers; null sorts last).
 * @param {Row} r
 * @param {SortKey} key
 * @returns {number | null}
 */
function numericKey(r, key) {
  if (key === 'raw') return typeof r.raw === 'number' ? r.raw : null;
  const v = key === 'version' ? r.version : key === 'value' ? r.value : key === 'drift' ? r.drift : r.time;
  return v === null || v === undefined ? null : v;
}

/** The series list page. */
export class SeriesListView {
  /**
   * @param {HTMLElement} root
   * @param {LiveModel} model
   */
  constructor(root, model) {
    this.model = model;
    this.input = /** @type {HTMLInputElement} */ (h('input', { id: 'series-filter', type: 'search', placeholder: 'filter: text, glob (site1/*/temperature) or /regex/', value: state.filter, autocomplete: 'off', spellcheck: 'false' }));
    this.phaseSelect = /** @type {HTMLSelectElement} */ (h('select', { id: 'series-phase' }, ['', 'fitting', 'frozen', 'passthrough'].map((p) => h('option', { value: p, selected: p === state.phase }, [p || 'all phases']))));
    this.countEl = h('span', { id: 'series-count', class: 'muted' });
    /** @type {HTMLElement[]} */
    this.headers = COLUMNS.map((c) => h('button', { class: `col c-${c.key}${c.numeric ? ' num' : ''}`, 'data-sort': c.key, type: 'button' }, [c.label]));
    this.spacer = h('div', { class: 'spacer' });
    this.body = h('div', { class: 'rows' });
    this.viewport = h('div', { class: 'viewport', id: 'series-viewport' }, [this.spacer, this.body]);
    setChildren(root, [
      h('div', { class: 'toolbar' }, [this.input, this.phaseSelect, this.countEl]),
      h('div', { class: 'list' }, [h('div', { class: 'row head' }, this.headers), this.viewport]),
    ]);
    /** @type {string[]} filtered and sorted ids */
    this.ids = [];
    /** @type {{ el: HTMLElement, cells: HTMLElement[], bar: HTMLElement, id: string }[]} */
    this.pool = [];
    this.seenStructure = -1;
    this.sortedAt = 0;
    this.orderDirty = true;
    this.render = frameThrottle(() => this.draw());
    this.input.addEventListener('input', () => {
      state.filter = this.input.value;
      this.orderDirty = true;
      this.viewport.scrollTop = 0;
      this.render.schedule();
    });
    this.phaseSelect.addEventListener('change', () => {
      state.phase = this.phaseSelect.value;
      this.orderDirty = true;
      this.render.schedule();
    });
    for (const btn of this.headers) btn.addEventListener('click', () => this.sortBy(/** @type {SortKey} */ (btn.dataset.sort)));
    this.viewport.addEventListener('scroll', () => {
      state.scroll = this.viewport.scrollTop;
      this.render.schedule();
    });
    this.unsubscribe = model.subscribe(() => this.render.schedule());
    this.draw();
    this.viewport.scrollTop = state.scroll;
  }

  /** @param {SortKey} key */
  sortBy(key) {
    state.dir = state.key === key ? -state.dir : key === 'id' || key === 'phase' ? 1 : -1;
    state.key = key;
    this.orderDirty = true;
    this.render.schedule();
  }

  /** Filters and sorts the ids. */
  order() {
    const match = matcher(state.filter);
    this.input.classList.toggle('invalid', match === null);
    /** @type {Row[]} */
    const rows = [];
    if (match !== null) for (const r of this.model.rows.values()) if ((state.phase === '' || r.phase === state.phase) && match(r.id)) rows.push(r);
    const { key, dir } = state;
    if (key === 'id') rows.sort((a, b) => dir * collator.compare(a.id, b.id));
    else if (key === 'phase') rows.sort((a, b) => dir * (collator.compare(a.phase, b.phase) || collator.compare(a.id, b.id)));
    else {
      rows.sort((a, b) => {
        const x = numericKey(a, key);
        const y = numericKey(b, key);
        if (x === y) return collator.compare(a.id, b.id);
        if (x === null) return 1;
        if (y === null) return -1;
        return dir * (x - y);
      });
    }
    this.ids = rows.map((r) => r.id);
    this.sortedAt = Date.now();
    this.orderDirty = false;
    this.seenStructure = this.model.structure;
    for (const btn of this.headers) {
      const on = btn.dataset.sort === key;
      btn.setAttribute('aria-sort', on ? (dir > 0 ? 'ascending' : 'descending') : 'none');
    }
    setText(this.countEl, `${count(this.ids.length)} of ${count(this.model.rows.size)} series`);
  }

  draw() {
    const live = COLUMNS.find((c) => c.key === state.key)?.live ?? false;
    if (this.orderDirty || this.seenStructure !== this.model.structure || (live && Date.now() - this.sortedAt >= RESORT_MS)) this.order();
    const total = this.ids.length;
    this.spacer.style.height = `${total * ROW_H}px`;
    const top = this.viewport.scrollTop;
    const first = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
    const visible = Math.ceil(this.viewport.clientHeight / ROW_H) + 2 * OVERSCAN;
    const last = Math.min(total, first + visible);
    while (this.pool.length < last - first) this.pool.push(this.makeRow());
    for (let i = 0; i < this.pool.length; i++) {
      const slot = /** @type {(typeof this.pool)[number]} */ (this.pool[i]);
      const index = first + i;
      const row = index < last ? this.model.rows.get(/** @type {string} */ (this.ids[index])) : undefined;
      if (row === undefined) {
        if (!slot.el.hidden) {
          slot.el.hidden = true;
          slot.id = '';
          delete slot.el.dataset.series;
        }
        continue;
      }
      slot.el.hidden = false;
      slot.el.style.transform = `translateY(${index * ROW_H}px)`;
      this.fill(slot, row);
    }
  }

  makeRow() {
    const cells = COLUMNS.map((c) => h('span', { class: `cell c-${c.key}${c.numeric ? ' num' : ''}` }));
    const bar = h('i', { class: 'zbar' });
    /** @type {HTMLElement} */ (cells[4]).append(bar);
    const el = h('a', { class: 'row', href: '#' }, cells);
    this.body.append(el);
    return { el, cells, bar, id: '' };
  }

  /**
   * @param {{ el: HTMLElement, cells: HTMLElement[], bar: HTMLElement, id: string }} slot
   * @param {Row} r
   */
  fill(slot, r) {
    const [c0, c1, c2, c3, c4, c5, c6] = /** @type {HTMLElement[]} */ (slot.cells);
    if (slot.id !== r.id) {
      slot.id = r.id;
      slot.el.dataset.series = r.id;
      slot.el.setAttribute('href', `#/series/${encodeURIComponent(r.id)}`);
      setText(/** @type {HTMLElement} */ (c0), r.id);
      /** @type {HTMLElement} */ (c0).title = r.id;
    }
    setText(/** @type {HTMLElement} */ (c1), r.phase);
    /** @type {HTMLElement} */ (c1).className = `cell c-phase ph ph-${r.phase}`;
    setText(/** @type {HTMLElement} */ (c2), r.version > 0 ? `v${r.version}` : NONE);
    setText(/** @type {HTMLElement} */ (c3), rawText(r.raw));
    const value = /** @type {HTMLElement} */ (c4);
    if (value.firstChild?.nodeType !== 3) value.prepend('');
    /** @type {Text} */ (value.firstChild).data = num(r.value);
    const z = r.value === null ? 0 : Math.max(-3, Math.min(3, r.value));
    slot.bar.style.width = `${(Math.abs(z) / 3) * 50}%`;
    slot.bar.style.left = z < 0 ? `${50 - (Math.abs(z) / 3) * 50}%` : '50%';
    setText(/** @type {HTMLElement} */ (c5), num(r.drift));
    setText(/** @type {HTMLElement} */ (c6), clock(r.time));
  }

  destroy() {
    this.unsubscribe();
    this.render.cancel();
  }
}
