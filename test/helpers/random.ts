import { rng } from './fixtures.js';

/** A seeded standard normal generator (Box–Muller over the seeded uniform generator). */
export function gaussian(seed: number): () => number {
  const u = rng(seed);
  return () => Math.sqrt(-2 * Math.log(Math.max(u(), 1e-300))) * Math.cos(2 * Math.PI * u());
}
