import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pageHtml } from './page.js';
import { PAGE_CSS } from './page-style.js';

/** One file the server sends as is. */
export interface Asset {
  type: string;
  body: string | Buffer;
}

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The folder of the page's scripts. They are plain browser modules (bin/http/static/*.js, checked
 * by their own tsconfig with the DOM types, which the Node build must not see), copied to
 * dist/bin/http/static by the build. In a checkout the sources are served, so a test never sees a
 * stale copy; an installed package has only the copy.
 */
export function pageScriptsDir(): string {
  let dir = here;
  for (let i = 0; i < 4 && !existsSync(join(dir, 'package.json')); i++) dir = dirname(dir); // the package's root
  const source = join(dir, 'bin/http/static');
  return existsSync(join(source, 'app.js')) ? source : join(here, 'static');
}

/**
 * Everything the page loads, by path, read once at start: the HTML, its CSS, its scripts, and uPlot
 * from the installed npm package (nothing comes from outside the server).
 */
export function loadAssets(title: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const html: Asset = { type: 'text/html; charset=utf-8', body: pageHtml(title) };
  assets.set('/', html);
  assets.set('/index.html', html);
  assets.set('/static/style.css', { type: 'text/css; charset=utf-8', body: PAGE_CSS });
  assets.set('/static/favicon.svg', { type: 'image/svg+xml', body: FAVICON });
  const require = createRequire(import.meta.url);
  assets.set('/static/uplot.js', { type: 'text/javascript; charset=utf-8', body: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js')) });
  assets.set('/static/uplot.css', { type: 'text/css; charset=utf-8', body: readFileSync(require.resolve('uplot/dist/uPlot.min.css')) });
  const dir = pageScriptsDir();
  for (const name of readdirSync(dir)) {
    if (/^[a-z][a-z0-9-]*\.js$/.test(name)) assets.set(`/static/${name}`, { type: 'text/javascript; charset=utf-8', body: readFileSync(join(dir, name)) });
  }
  return assets;
}

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1f6feb"/><path d="M2 11 L6 5 L10 9 L14 3" stroke="#fff" stroke-width="2" fill="none"/></svg>`;
