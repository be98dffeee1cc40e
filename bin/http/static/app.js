/* global document, window, location, URLSearchParams */
/**
 * The dashboard page's entry: reads the token from the URL, asks the server what it offers, opens
 * the event stream, and shows the view the URL's fragment names: `#/` overview, `#/series` list,
 * `#/series/<id>` one series.
 */
import { Api } from './api.js';
import { h, setChildren } from './dom.js';
import { LiveModel, connectStream } from './live.js';
import { OverviewView } from './overview.js';
import { SeriesListView } from './series-list.js';
import { SeriesView } from './series-view.js';

/** @typedef {{ destroy(): void, resize?(): void }} View */

/**
 * A URL-decoded fragment part, or the text as is when it is not valid percent-encoding.
 * @param {string} text
 */
function safeDecode(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

async function boot() {
  const root = /** @type {HTMLElement} */ (document.getElementById('view'));
  const conn = /** @type {HTMLElement} */ (document.getElementById('conn'));
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const api = new Api(token);
  let meta;
  try {
    meta = await api.meta();
  } catch (e) {
    setChildren(root, [h('p', { class: 'error' }, [`This dashboard needs the address printed at start, with its token (${/** @type {Error} */ (e).message}).`])]);
    return;
  }
  document.title = meta.title;
  const model = new LiveModel();
  connectStream(api.eventsUrl, model, (state) => {
    conn.dataset.state = state;
    conn.textContent = state;
  });

  /** @type {View | null} */
  let view = null;
  const show = () => {
    view?.destroy();
    const hash = location.hash.replace(/^#/, '') || '/';
    const m = /^\/series\/(.+)$/.exec(hash);
    const section = m ? 'series' : hash.startsWith('/series') ? 'series' : 'overview';
    for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('on', /** @type {HTMLElement} */ (a).dataset.nav === section);
    root.dataset.view = m ? 'series-view' : section === 'series' ? 'series-list' : 'overview';
    if (m) view = new SeriesView(root, model, meta, api, safeDecode(/** @type {string} */ (m[1])));
    else if (section === 'series') view = new SeriesListView(root, model);
    else view = new OverviewView(root, model, meta);
  };
  window.addEventListener('hashchange', show);
  window.addEventListener('resize', () => view?.resize?.());
  show();
}

void boot();
