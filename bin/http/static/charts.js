/* global uPlot, devicePixelRatio */
/**
 * A time chart of one series (raw or normalized) on uPlot: background shading by phase (fitting
 * amber, frozen green, passthrough grey) and a dashed line where the statistics version changes.
 */

/**
 * The points a chart shows (times in ms).
 * @typedef {{ time: number[], y: (number | null)[], phase: string[], version: number[] }} ChartPoints
 */

const SHADES = /** @type {Record<string, string>} */ ({
  fitting: 'rgba(230, 160, 0, 0.14)',
  frozen: 'rgba(30, 150, 80, 0.07)',
  passthrough: 'rgba(120, 120, 120, 0.10)',
});

/**
 * Shades each run of equal phase behind the line.
 * @param {uPlot} u
 * @param {ChartPoints} pts
 */
function shade(u, pts) {
  const { ctx, bbox } = u;
  const n = pts.time.length;
  if (n === 0) return;
  ctx.save();
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i < n && pts.phase[i] === pts.phase[start]) continue;
    const x0 = u.valToPos(/** @type {number} */ (pts.time[start]) / 1000, 'x', true);
    const x1 = u.valToPos(/** @type {number} */ (pts.time[Math.min(i, n - 1)]) / 1000, 'x', true);
    ctx.fillStyle = SHADES[/** @type {string} */ (pts.phase[start])] ?? 'transparent';
    ctx.fillRect(Math.max(bbox.left, x0), bbox.top, Math.max(1, Math.min(bbox.left + bbox.width, x1) - Math.max(bbox.left, x0)), bbox.height);
    start = i;
  }
  ctx.restore();
}

/**
 * Marks every change of the statistics version with a dashed line and `vN`.
 * @param {uPlot} u
 * @param {ChartPoints} pts
 */
function versionMarks(u, pts) {
  const { ctx, bbox } = u;
  ctx.save();
  ctx.strokeStyle = '#6e40c9';
  ctx.fillStyle = '#6e40c9';
  ctx.setLineDash([5, 4]);
  ctx.lineWidth = 1.5 * devicePixelRatio;
  ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
  for (let i = 1; i < pts.version.length; i++) {
    const v = /** @type {number} */ (pts.version[i]);
    if (v === pts.version[i - 1] || v === 0) continue;
    const x = u.valToPos(/** @type {number} */ (pts.time[i]) / 1000, 'x', true);
    if (x < bbox.left || x > bbox.left + bbox.width) continue;
    ctx.beginPath();
    ctx.moveTo(x, bbox.top);
    ctx.lineTo(x, bbox.top + bbox.height);
    ctx.stroke();
    ctx.fillText(`v${v}`, x + 4 * devicePixelRatio, bbox.top + 12 * devicePixelRatio);
  }
  ctx.restore();
}

/** A live time chart. */
export class TimeChart {
  /**
   * @param {HTMLElement} el container (the chart takes its width)
   * @param {string} label series label (e.g. "raw °C")
   * @param {string} color line colour
   * @param {ChartPoints} points
   */
  constructor(el, label, color, points) {
    this.el = el;
    /** @type {ChartPoints} */
    this.points = points;
    /** @type {uPlot.Options} */
    const opts = {
      width: Math.max(300, el.clientWidth),
      height: 220,
      cursor: { sync: { key: 'series-view' } },
      legend: { live: true },
      // One point (or none) would stretch the time axis over years: show the last minute instead.
      scales: { x: { time: true, range: (_u, min, max) => (min === max || min === null || max === null ? [(max ?? Date.now() / 1000) - 60, (max ?? Date.now() / 1000) + 1] : [min, max]) } },
      series: [{}, { label, stroke: color, width: 1.5, spanGaps: false, points: { show: false } }],
      axes: [{}, { size: 70 }],
      hooks: {
        drawClear: [(u) => shade(u, this.points)],
        draw: [(u) => versionMarks(u, this.points)],
      },
    };
    this.plot = new uPlot(opts, this.data(), el);
  }

  /** @returns {uPlot.AlignedData} */
  data() {
    return [this.points.time.map((t) => t / 1000), this.points.y];
  }

  /** @param {ChartPoints} points */
  setPoints(points) {
    this.points = points;
    this.plot.setData(this.data());
  }

  /** Fits the chart to its container's width. */
  resize() {
    this.plot.setSize({ width: Math.max(300, this.el.clientWidth), height: 220 });
  }

  destroy() {
    this.plot.destroy();
  }
}
