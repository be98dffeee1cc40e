/** One simulated field of a device: its unit and how its true value moves. */
interface FieldModel {
  field: string;
  unit: string;
  /** The value at time t (seconds since start) before noise. */
  base(t: number, device: number): number;
  /** Standard deviation of the noise, relative or absolute. */
  noise(v: number): number;
  /** Clamp to a physical range, if any. */
  clamp?: [number, number];
}

const FIELDS: FieldModel[] = [
  { field: 'temperature', unit: '°C', base: (t, d) => 21 + d * 1.5 + 3 * Math.sin((2 * Math.PI * t) / 120), noise: () => 0.3 },
  { field: 'pressure', unit: 'Pa', base: (t, d) => 101_325 + d * 40 + 250 * Math.sin((2 * Math.PI * t) / 300), noise: () => 25 },
  { field: 'vibration', unit: 'mm/s', base: (t, d) => 2.5 + d * 0.3 + 1.2 * Math.sin((2 * Math.PI * t) / 17), noise: (v) => 0.25 * v },
  { field: 'humidity', unit: '%RH', base: (t, d) => 45 + d * 3 + 12 * Math.sin((2 * Math.PI * t) / 200 + 1), noise: () => 1.5, clamp: [0, 100] },
  { field: 'light', unit: 'lx', base: (t, d) => Math.exp(5 + 4.5 * Math.sin((2 * Math.PI * t) / 90) + d * 0.2), noise: (v) => 0.1 * v },
];

/** The slowest cycle of the simulated fields, in simulated seconds (pressure's): a training window shorter than this mistakes a phase of the cycle for the level. */
export const SLOWEST_CYCLE_S = 300;

/** The unit of each simulated field. */
export const FIELD_UNITS: Readonly<Record<string, string>> = Object.fromEntries(FIELDS.map((f) => [f.field, f.unit]));

/** One simulated message: a device's fields at one instant, as a sensor gateway would send it. */
export interface FleetMessage {
  site: string;
  device: string;
  /** Event time, ms since epoch. */
  time: number;
  /** Field values; `null` for a dropped reading, a string for a sensor that sent garbage. */
  values: Record<string, number | null | string>;
  units: Record<string, string>;
}

/** Options of {@link SensorFleet}. */
export interface FleetOptions {
  sites?: number;
  devicesPerSite?: number;
  seed?: number;
  /** Probability that a value is an outlier (x10 spike or a sign flip). */
  outlierRate?: number;
  /** Probability that a value is missing (null) or garbage (a string, NaN). */
  dropoutRate?: number;
  /** Start time (ms since epoch). */
  start?: number;
  /** Simulated seconds per real second, so slow cycles show within a short demo (default 20). */
  speed?: number;
  /** A lasting step added to one field of one device from a tick on (a sensor that drifts after the freeze). */
  step?: FleetStep;
}

/** A step change of one field of one device: `size` (in the field's unit) added from tick `atTick` on. */
export interface FleetStep {
  site: string;
  device: string;
  field: string;
  atTick: number;
  size: number;
}

/**
 * A deterministic simulated fleet: sites × devices, each with temperature (°C), pressure (Pa),
 * vibration (mm/s), humidity (%RH) and light (lx, spanning orders of magnitude), with noise,
 * outliers, dropouts (null, NaN and text values), one stuck sensor (site1/dev1 humidity never
 * changes) and, optionally, a step in one field after a while (`step`). Seeded: the same options
 * give the same messages.
 */
export class SensorFleet {
  private rng: number;
  private readonly sites: number;
  private readonly devices: number;
  private readonly outlierRate: number;
  private readonly dropoutRate: number;
  private readonly start: number;
  private readonly speed: number;
  private readonly step: FleetStep | undefined;

  constructor(options: FleetOptions = {}) {
    this.sites = options.sites ?? 2;
    this.devices = options.devicesPerSite ?? 2;
    this.rng = (options.seed ?? 20261122) >>> 0 || 1;
    this.outlierRate = options.outlierRate ?? 0.01;
    this.dropoutRate = options.dropoutRate ?? 0.01;
    this.start = options.start ?? Date.now();
    this.speed = options.speed ?? 20;
    this.step = options.step;
  }

  /** Every device's message at tick `k` (ticks are `periodMs` apart). */
  tick(k: number, periodMs: number): FleetMessage[] {
    const t = (k * periodMs * this.speed) / 1000;
    const out: FleetMessage[] = [];
    for (let s = 1; s <= this.sites; s++) {
      for (let d = 1; d <= this.devices; d++) {
        const index = (s - 1) * this.devices + (d - 1);
        const values: FleetMessage['values'] = {};
        const units: Record<string, string> = {};
        for (const f of FIELDS) {
          units[f.field] = f.unit;
          if (s === 1 && d === 1 && f.field === 'humidity') {
            values[f.field] = 55; // the stuck sensor
            continue;
          }
          let v = f.base(t, index);
          const step = this.step;
          if (step !== undefined && k >= step.atTick && step.field === f.field && step.site === `site${s}` && step.device === `dev${d}`) v += step.size;
          v += this.gaussian() * f.noise(v);
          const u = this.uniform();
          if (u < this.outlierRate) v = f.field === 'light' || f.field === 'vibration' ? v * 10 : v + (this.uniform() < 0.5 ? -1 : 1) * 8 * f.noise(v);
          if (f.clamp) v = Math.min(f.clamp[1], Math.max(f.clamp[0], v));
          const drop = this.uniform();
          if (drop < this.dropoutRate) values[f.field] = drop < this.dropoutRate / 3 ? 'ERR' : drop < (2 * this.dropoutRate) / 3 ? null : NaN;
          else values[f.field] = v;
        }
        out.push({ site: `site${s}`, device: `dev${d}`, time: this.start + k * periodMs, values, units });
      }
    }
    return out;
  }

  private uniform(): number {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    return this.rng / 4294967296;
  }

  private gaussian(): number {
    const u = Math.max(this.uniform(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }
}
