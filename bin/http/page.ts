/** HTML-escapes text for an element or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/**
 * The dashboard's one HTML page: a header with the navigation and the connection state, and an
 * empty main area the scripts fill (overview, series list, series view, chosen by the URL's
 * fragment). Everything it loads comes from this server.
 */
export function pageHtml(title: string): string {
  const t = escapeHtml(title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t}</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/static/uplot.css">
<link rel="stylesheet" href="/static/style.css">
<script src="/static/uplot.js"></script>
<script type="module" src="/static/app.js"></script>
</head>
<body>
<header class="top">
  <a class="brand" href="#/">${t}</a>
  <nav>
    <a href="#/" data-nav="overview">Overview</a>
    <a href="#/series" data-nav="series">Series</a>
  </nav>
  <span id="conn" class="conn" data-state="connecting">connecting…</span>
</header>
<main id="view"></main>
<noscript>This dashboard needs JavaScript.</noscript>
</body>
</html>
`;
}
