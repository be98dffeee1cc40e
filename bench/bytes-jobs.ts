/**
 * The byte measurements of the benchmark, each of which runs in a fresh process (`memory-child.ts`):
 * what a job names, and how one is measured. The memory section's series and the peers' objects and
 * sketches go through here, so that all of them are measured the same way.
 */
import { measureSeriesMemory, type MemoryConfig } from './memory.js';
import { peerObjectBytes, peerSketchBytes, type ObjectPeer, type SketchPeer } from './peers.js';

/** One measurement: bytes per series of a store or hand-written map, per fitting object, or per sketch. */
export type BytesJob =
  | { job: 'series'; config: MemoryConfig }
  | { job: 'peer-object'; peer: ObjectPeer; objects: number }
  | { job: 'peer-sketch'; peer: SketchPeer; series: number; values: number; copies: number };

/** Runs a job (in a child process for real figures) and gives its bytes. */
export type BytesRunner = (job: BytesJob) => Promise<number>;

/** Measures a job in this process. */
export function measureBytes(job: BytesJob): Promise<number> {
  switch (job.job) {
    case 'series':
      return measureSeriesMemory(job.config);
    case 'peer-object':
      return peerObjectBytes(job.peer, job.objects);
    case 'peer-sketch':
      return peerSketchBytes(job.peer, job.series, job.values, job.copies);
    default:
      // A job read from a command line can be anything.
      return Promise.reject(new Error(`unknown bytes job ${JSON.stringify(job satisfies never)}`));
  }
}

/** Runs each job in this process (the smoke test's runner; figures from a long process are not clean). */
export const inProcessRunner: BytesRunner = measureBytes;
