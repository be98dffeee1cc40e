/* global document, requestAnimationFrame, cancelAnimationFrame */
/**
 * Small DOM helpers for the dashboard page: elements are built with `h()` and text is always set
 * as text (series ids and raw values come from devices; nothing is parsed as HTML).
 */

/**
 * Creates an element with attributes (`class`, `data-*`, `href`, ...) and children (nodes or text).
 * @param {string} tag
 * @param {Record<string, string | number | boolean | undefined>} [attrs]
 * @param {(Node | string | null | undefined)[]} [children]
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, children = []) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) el.append(c);
  return el;
}

/**
 * Replaces an element's children.
 * @param {Element} el
 * @param {(Node | string)[]} children
 */
export function setChildren(el, children) {
  el.replaceChildren(...children);
}

/**
 * Sets an element's text only when it changed (saves layout work on live updates).
 * @param {Element} el
 * @param {string} text
 */
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/**
 * Calls `fn` at most once per animation frame however often `schedule()` is called.
 * @param {() => void} fn
 * @returns {{ schedule(): void, cancel(): void }}
 */
export function frameThrottle(fn) {
  let pending = 0;
  return {
    schedule() {
      if (pending === 0) pending = requestAnimationFrame(() => ((pending = 0), fn()));
    },
    cancel() {
      if (pending !== 0) cancelAnimationFrame(pending);
      pending = 0;
    },
  };
}
