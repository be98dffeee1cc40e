import { Subject, type Subscription } from 'rxjs';
import { AckPolicy, DeliverPolicy, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { Normalized, Reading } from '../../src/reading.js';
import type { ScalerSpec } from '../../src/scalers/create.js';
import { SeriesStore, normalize } from '../../operators/index.js';
import { FencedError } from '../../connectors/nats/leases.js';
import { msToNanos } from '../../connectors/nats/stream.js';
import { readingsOf } from './decode.js';
import { keepAlive, retrying } from './outputs.js';
import type { WorkerContext } from './context.js';

/** Pending message: processed, outputs on their way. */
interface Pending {
  msg: JsMsg;
  since: number;
}

/**
 * One claimed partition: its own store (restored from the partition's checkpoint), a durable
 * consumer from the checkpoint's sequence + 1, and the loop that turns each message into outputs,
 * publishes them, and acknowledges the message once every output (and every freeze it caused) is
 * confirmed. Checkpoints (store snapshot + last sequence) are taken at a quiet point: intake
 * paused, every processed message acknowledged. Every write first checks the lease.
 */
export class PartitionRunner {
  private readonly store: SeriesStore;
  private readonly input = new Subject<Reading>();
  private sink: Normalized[] = [];
  private statWrites: Promise<unknown>[] = [];
  private readonly pending = new Map<number, Pending>();
  private processedSeq = 0;
  private checkpointedSeq = -1;
  /** The store changed outside a message (an approved promotion): the next checkpoint is due even without new messages. */
  private changedSinceCheckpoint = false;
  private checkpointRevision = 0;
  private checkpointing: Promise<void> | undefined;
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> = Promise.resolve();
  private pipeline: Subscription | undefined;
  private gate: Promise<void> | undefined;
  /** Everyone waiting for the pending messages to be acknowledged (a checkpoint, a hand-over). */
  private readonly drainWaiters = new Set<() => void>();
  private timers: (() => void)[] = [];
  private state: 'starting' | 'running' | 'stopping' | 'stopped' | 'fenced' = 'starting';

  constructor(
    private readonly ctx: WorkerContext,
    readonly partition: number,
    readonly lease: number,
    private readonly onFenced: (partition: number, why: string) => void,
  ) {
    this.store = new SeriesStore(ctx.store);
  }

  /** `partition:state/pending` for the status line. */
  describe(): string {
    return `${this.partition}:${this.state}${this.gate === undefined ? '' : '+ckpt'}/${this.pending.size}`;
  }

  private get consumerName(): string {
    return `${this.ctx.stream}-p${this.partition}-r${this.lease}`;
  }

  /** Throws unless this runner may still write for its partition. */
  private readonly fence = (): void => {
    if (this.state === 'fenced' || this.state === 'stopped') throw new FencedError(this.partition, 'its runner stopped');
    this.ctx.leases.assert(this.partition, this.lease);
  };

  /** Claims the checkpoint (fencing the previous owner), restores, and starts consuming. */
  async start(): Promise<void> {
    const { ctx } = this;
    const { checkpoint, revision } = await ctx.checkpoints.claim(this.partition, ctx.worker, this.lease);
    this.checkpointRevision = revision;
    if (checkpoint.snapshot !== undefined) this.store.restore(checkpoint.snapshot);
    this.processedSeq = checkpoint.seq;
    this.checkpointedSeq = checkpoint.seq;
    const spec: ScalerSpec = typeof ctx.normalize.scaler === 'object' ? ctx.normalize.scaler : { kind: 'standard' };
    let live = false;
    this.store.frozen$.subscribe(({ series, params }) => {
      if (!live) return; // frozen before the checkpoint: written by the owner that checkpointed it
      const writer = { worker: ctx.worker, partition: this.partition, lease: this.lease };
      this.statWrites.push(
        retrying(() => ctx.stats.write(series, params, { spec, writer, fence: this.fence }), this.fence, ctx.counters, `statistics of ${series}`).then((r) => {
          if (r.outcome === 'written') ctx.counters.statsWritten++;
          else if (r.outcome === 'exists') ctx.counters.statsExisting++;
          else ctx.counters.statsConflicts++;
        }),
      );
    });
    live = true;
    const alarms = this.store.drift$.subscribe(() => ctx.counters.driftAlarms++);
    this.timers.push(() => alarms.unsubscribe());
    this.pipeline = this.input.pipe(normalize({ ...ctx.normalize, store: this.store })).subscribe({
      next: (n) => this.sink.push(n),
      error: (e: Error) => this.giveUp(`its pipeline failed: ${e.message}`),
    });
    const first = (await ctx.jsm.streams.info(ctx.stream)).state.first_seq;
    if (checkpoint.seq > 0 && first > checkpoint.seq + 1) {
      ctx.counters.retentionGaps++;
      ctx.log(`partition ${this.partition}: its checkpoint covers up to sequence ${checkpoint.seq} but the stream keeps only from ${first} (maxAge / maxBytes): readings of this partition in between are lost`);
    }
    await this.recreateConsumer(checkpoint.seq + 1);
    const consumer = await ctx.js.consumers.get(ctx.stream, this.consumerName);
    this.messages = await consumer.consume({ max_messages: Math.min(ctx.cluster.maxUnacked, 256), expires: 5_000 });
    if (this.state !== 'starting') return this.stopNow(); // given up while starting (timed out, lease lost)
    this.state = 'running';
    this.loop = this.consume(this.messages);
    const every = setInterval(() => void this.checkpoint().catch((e: Error) => this.failed(e)), ctx.cluster.checkpointIntervalMs);
    every.unref();
    this.timers.push(() => clearInterval(every), keepAlive(() => this.pending.values(), ctx.cluster.ackWaitMs, ctx.counters));
    ctx.counters.claimed++;
  }

  /** Deletes this partition's consumers of earlier claims and makes this claim's, from `seq`. */
  private async recreateConsumer(seq: number): Promise<void> {
    const { jsm, stream, prefix, cluster } = this.ctx;
    const mine = `${stream}-p${this.partition}-r`;
    for await (const info of jsm.consumers.list(stream)) {
      if (info.name.startsWith(mine)) await jsm.consumers.delete(stream, info.name).catch(() => undefined);
    }
    await jsm.consumers.add(stream, {
      durable_name: this.consumerName,
      filter_subject: `${prefix}.${this.partition}.>`,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: seq,
      ack_wait: msToNanos(cluster.ackWaitMs),
      max_ack_pending: cluster.maxUnacked,
    });
  }

  private async consume(messages: ConsumerMessages): Promise<void> {
    for await (const msg of messages) {
      if (this.state !== 'running') break;
      if (this.gate !== undefined) await this.gate;
      if (this.state !== 'running') break;
      this.handle(msg);
    }
  }

  private handle(msg: JsMsg): void {
    const { ctx } = this;
    const seq = msg.seq;
    if (seq <= this.processedSeq) {
      ctx.counters.redelivered++;
      if (!this.pending.has(seq)) msg.ack(); // its outputs were confirmed already; only the ack was lost
      return;
    }
    ctx.counters.messages++;
    for (const r of readingsOf(msg, ctx.prefix, ctx.inputRecipes, ctx.counters)) this.input.next(r);
    const outs = this.sink;
    const writes = this.statWrites;
    this.sink = [];
    this.statWrites = [];
    this.processedSeq = seq;
    this.pending.set(seq, { msg, since: Date.now() });
    Promise.all([...outs.map((n, i) => ctx.publisher.publish(n, `${ctx.stream}:${seq}:${i}`, this.fence)), ...writes])
      .then(() => {
        this.fence();
        msg.ack();
        ctx.counters.acked++;
        this.pending.delete(seq);
        if (this.pending.size === 0) this.wakeDrainers();
      })
      .catch((e: Error) => this.failed(e));
  }

  /**
   * Promotes the named series' refits that wait for approval (or all of this partition's), writes
   * each promotion to the statistics bucket (compare-and-set, fenced), then checkpoints, so a
   * take-over does not ask again. Returns the ids promoted.
   */
  async approve(series?: readonly string[]): Promise<string[]> {
    if (this.state !== 'running') return [];
    this.fence();
    const promoted = this.store.approve(series);
    if (promoted.length === 0) return promoted;
    const writes = this.statWrites;
    this.statWrites = [];
    this.changedSinceCheckpoint = true;
    await Promise.all(writes);
    await this.checkpoint();
    return promoted;
  }

  private failed(e: Error): void {
    if (e instanceof FencedError) this.giveUp(e.message);
    else this.ctx.counters.lastError = `partition ${this.partition}: ${e.message}`;
  }

  private async drain(): Promise<void> {
    while (this.pending.size > 0 && this.state !== 'stopped' && this.state !== 'fenced') await new Promise<void>((resolve) => this.drainWaiters.add(resolve));
  }

  private wakeDrainers(): void {
    for (const wake of this.drainWaiters) wake();
    this.drainWaiters.clear();
  }

  /** Pauses intake, waits until every processed message is acknowledged, and writes the checkpoint (one at a time: a second call joins the first). */
  checkpoint(): Promise<void> {
    this.checkpointing ??= this.writeCheckpoint().finally(() => (this.checkpointing = undefined));
    return this.checkpointing;
  }

  private async writeCheckpoint(): Promise<void> {
    if (this.state !== 'running' && this.state !== 'stopping') return;
    let open!: () => void;
    this.gate = new Promise<void>((r) => (open = r));
    try {
      if (this.state === 'stopping') await this.drain();
      else {
        // intake waits meanwhile, and messages waiting in the client get no working(): so not for longer than a third of the ack wait
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([this.drain(), new Promise((r) => (timer = setTimeout(r, this.ctx.cluster.ackWaitMs / 3)))]);
        clearTimeout(timer);
        if (this.pending.size > 0) return; // not quiet (an output outage?): the next interval tries again
      }
      if (this.processedSeq === this.checkpointedSeq && !this.changedSinceCheckpoint) return;
      this.fence();
      this.changedSinceCheckpoint = false;
      const snapshot = this.store.snapshot();
      const seq = this.processedSeq;
      this.checkpointRevision = await this.ctx.checkpoints.write({ partition: this.partition, seq, worker: this.ctx.worker, lease: this.lease, snapshot }, this.checkpointRevision);
      this.checkpointedSeq = seq;
      this.ctx.counters.checkpoints++;
    } catch (e) {
      if (/fenced/.test((e as Error).message)) this.giveUp((e as Error).message);
      throw e;
    } finally {
      this.gate = undefined;
      open();
    }
  }

  /**
   * Hands the partition over: stops intake, drains, checkpoints, deletes its consumer. A drain
   * that does not finish within the ack wait (an output outage) ends the hand-over without a
   * checkpoint: the next owner replays from the last one, so shutdown always ends and nothing is
   * lost (the replayed outputs are counted duplicates).
   */
  async handOver(): Promise<void> {
    if (this.state !== 'running') return this.stopNow();
    this.state = 'stopping';
    try {
      this.messages?.stop();
      await this.loop.catch(() => undefined);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([this.drain(), new Promise((r) => (timer = setTimeout(r, this.ctx.cluster.ackWaitMs)))]);
      clearTimeout(timer);
      if (this.pending.size > 0) {
        this.ctx.log(`partition ${this.partition}: ${this.pending.size} messages still wait for their outputs; handed over without a checkpoint (the next owner replays them)`);
        return;
      }
      await this.checkpointing?.catch(() => undefined);
      await this.checkpoint();
      await this.ctx.jsm.consumers.delete(this.ctx.stream, this.consumerName).catch(() => undefined);
      this.ctx.counters.handedOver++;
    } finally {
      this.stopNow();
    }
  }

  /** Stops at once, writing nothing more (the lease is gone or going). */
  giveUp(why: string): void {
    if (this.state === 'fenced' || this.state === 'stopped') return;
    this.state = 'fenced';
    this.ctx.counters.fenced++;
    this.stopNow();
    this.onFenced(this.partition, why);
  }

  private stopNow(): void {
    if (this.state !== 'fenced') this.state = 'stopped';
    this.messages?.stop();
    for (const t of this.timers) t();
    this.timers = [];
    this.pipeline?.unsubscribe();
    this.wakeDrainers();
  }
}
