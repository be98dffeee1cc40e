/* global fetch */
/**
 * The page's calls to its server: JSON reads and actions, each with the per-run token (from the
 * page's URL, `?token=`), which the server requires for data and actions.
 */

/** @typedef {import('../wire.js').WireMeta} WireMeta */
/** @typedef {import('../wire.js').WireHistory} WireHistory */
/** @typedef {import('../wire.js').WireActionResult} WireActionResult */

/** An answer other than 2xx. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * @param {Response} res
 * @returns {Promise<any>}
 */
async function body(res) {
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, typeof data.error === 'string' ? data.error : `HTTP ${res.status}`);
  return data;
}

/** The server's API for one token. */
export class Api {
  /** @param {string} token */
  constructor(token) {
    this.token = token;
    /** @type {Record<string, string>} */
    this.headers = { 'X-Streamnorm-Token': token };
  }

  /** The event stream's URL (EventSource cannot send headers, so the token goes in the query). */
  get eventsUrl() {
    return `/events?token=${encodeURIComponent(this.token)}`;
  }

  /** @returns {Promise<WireMeta>} */
  async meta() {
    return body(await fetch('/api/meta', { headers: this.headers }));
  }

  /**
   * @param {string} series
   * @param {number} after
   * @returns {Promise<WireHistory>}
   */
  async history(series, after) {
    return body(await fetch(`/api/history?series=${encodeURIComponent(series)}&after=${after}`, { headers: this.headers }));
  }

  /**
   * Runs an action of the control plane.
   * @param {string} action `freeze`, `refit` or `approve`
   * @param {string[]} series
   * @returns {Promise<WireActionResult>}
   */
  async action(action, series) {
    const res = await fetch(`/api/actions/${encodeURIComponent(action)}`, {
      method: 'POST',
      headers: { ...this.headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ series }),
    });
    return body(res);
  }
}
