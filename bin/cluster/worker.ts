import type { LeaseTable } from '../../connectors/nats/leases.js';
import type { WorkerContext } from './context.js';
import { PartitionRunner } from './partition-runner.js';
import { untilAnswered } from './retry.js';

/**
 * The `worker` role: takes its share of the P partitions and keeps it. Two loops: renewals every
 * quarter of the lease time (a lost renewal stops that partition's runner at once, writing
 * nothing), and balancing every half (with n live members each holds ceil(P / n); a worker above
 * its share hands partitions over: drain, checkpoint, release; one below claims free ones, which
 * includes those of a dead worker once its lease has lapsed).
 */
export class PartitionWorker {
  private readonly runners = new Map<number, PartitionRunner>();
  private stopped = false;
  private renewTimer: ReturnType<typeof setTimeout> | undefined;
  private balanceTimer: ReturnType<typeof setTimeout> | undefined;
  private balancing: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: WorkerContext,
    private readonly leases: LeaseTable,
    private readonly partitions: number,
  ) {}

  /** Partitions held now. */
  held(): number[] {
    return [...this.runners.keys()].sort((a, b) => a - b);
  }

  /** The runners' states (partition:state/pending), those being handed over included. */
  describe(): string {
    return [...this.runners.values(), ...this.leaving].map((r) => r.describe()).join(' ');
  }

  private readonly leaving = new Set<PartitionRunner>();

  async start(): Promise<void> {
    await untilAnswered(() => this.leases.heartbeat());
    const renew = async (): Promise<void> => {
      if (this.stopped) return;
      try {
        await this.leases.heartbeat();
        await Promise.all([...this.leases.held.keys()].map(async (p) => (await this.leases.renew(p)) || this.lost(p, 'its lease could not be renewed')));
      } catch (e) {
        this.ctx.counters.lastError = `lease renewal: ${(e as Error).message}`;
      }
      if (!this.stopped) this.renewTimer = setTimeout(() => void renew(), this.ctx.cluster.leaseMs / 4);
    };
    const balance = async (): Promise<void> => {
      if (this.stopped) return;
      this.balancing = this.balance().catch((e: Error) => void (this.ctx.counters.lastError = `balancing: ${e.message}`));
      await this.balancing;
      if (!this.stopped) this.balanceTimer = setTimeout(() => void balance(), this.ctx.cluster.leaseMs / 2);
    };
    void renew();
    await balance();
  }

  private lost(partition: number, why: string): void {
    const runner = this.runners.get(partition);
    this.runners.delete(partition);
    runner?.giveUp(why);
  }

  private async balance(): Promise<void> {
    const members = Math.max(1, await this.leases.members());
    const share = Math.ceil(this.partitions / members);
    while (this.runners.size > share && !this.stopped) {
      const p = Math.max(...this.runners.keys());
      await this.handOver(p);
    }
    if (this.runners.size >= share) return;
    const taken = await this.leases.taken();
    const free = [...Array(this.partitions).keys()].filter((p) => !taken.has(p) && !this.runners.has(p));
    const start = Math.floor(Math.random() * Math.max(1, free.length));
    for (const p of [...free.slice(start), ...free.slice(0, start)]) {
      if (this.runners.size >= share || this.stopped) break;
      const lease = await this.leases.claim(p);
      if (lease === undefined) continue;
      const runner = new PartitionRunner(this.ctx, p, lease.claimed, (q, why) => {
        if (this.runners.get(q) === runner) {
          this.runners.delete(q);
          void this.leases.release(q); // free it for a fresh claim from the latest checkpoint
        }
        this.ctx.log(`partition ${q} given up: ${why}`);
      });
      this.runners.set(p, runner);
      void this.startRunner(p, runner);
    }
  }

  /** Starts a runner without holding up the balancing; one that does not start within 30 s is given up and its lease released. */
  private async startRunner(p: number, runner: PartitionRunner): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('did not start within 30 s')), 30_000)));
    try {
      await Promise.race([runner.start(), timeout]);
      this.ctx.log(`claimed partition ${p} (lease ${runner.lease})`);
    } catch (e) {
      if (this.runners.get(p) === runner) this.runners.delete(p);
      runner.giveUp(`start failed: ${(e as Error).message}`);
      await this.leases.release(p).catch(() => undefined);
    } finally {
      clearTimeout(timer);
    }
  }

  private async handOver(partition: number): Promise<void> {
    const runner = this.runners.get(partition);
    this.runners.delete(partition);
    if (runner === undefined) return;
    this.leaving.add(runner);
    this.ctx.log(`handing partition ${partition} over`);
    try {
      await runner.handOver();
      this.ctx.log(`handed partition ${partition} over`);
    } finally {
      this.leaving.delete(runner);
      await this.leases.release(partition);
    }
  }

  /**
   * Listens on `subject` for approvals of waiting promotions: an empty message (or `all`) approves
   * every series this worker holds, a JSON list of series ids those. Each worker applies it to the
   * partitions it holds; anything else is counted as malformed and named in the log.
   */
  approvals(subject: string): void {
    const sub = this.ctx.nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err !== null) return void (this.ctx.counters.lastError = `approvals: ${err.message}`);
        const ids = approvalIds(msg.string());
        if (ids instanceof Error) {
          this.ctx.counters.malformed++;
          return this.ctx.log(`approval on ${subject} ignored: ${ids.message}`);
        }
        void Promise.all([...this.runners.values()].map((r) => r.approve(ids).catch((e: Error) => (this.ctx.counters.lastError = `approval: ${e.message}`, [] as string[])))).then((lists) => {
          const promoted = lists.flat();
          this.ctx.counters.promoted += promoted.length;
          if (promoted.length > 0) this.ctx.log(`approved: ${promoted.length} promotions written (${promoted.slice(0, 5).join(', ')}${promoted.length > 5 ? ', …' : ''})`);
        });
      },
    });
    this.unsubscribe.push(() => sub.unsubscribe());
  }

  private readonly unsubscribe: (() => void)[] = [];

  /** Hands every partition over (checkpointed, leases released) and leaves the group. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const u of this.unsubscribe) u();
    clearTimeout(this.renewTimer);
    clearTimeout(this.balanceTimer);
    await this.balancing;
    await Promise.all([...this.runners.keys()].map((p) => this.handOver(p).catch((e: Error) => this.ctx.log(`partition ${p}: hand-over failed: ${e.message}`))));
    await this.leases.leave();
  }
}

/** The series an approval message names: undefined for all (an empty body or `all`), or an Error saying what is wrong. */
export function approvalIds(body: string): readonly string[] | undefined | Error {
  const text = body.trim();
  if (text === '' || text === 'all') return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return new Error(`expected an empty message, "all" or a JSON list of series ids, got ${JSON.stringify(text.slice(0, 80))}`);
  }
  if (!Array.isArray(doc) || !doc.every((x) => typeof x === 'string')) return new Error(`expected a JSON list of series ids, got ${JSON.stringify(text.slice(0, 80))}`);
  return doc as string[];
}
