/**
 * How a store's flat per-slot arrays of doubles grow (the slot records and their side column); the
 * one home of this policy.
 *
 * An array grows by a sixteenth (so that one just past a growth point holds at most a sixteenth
 * more room than it uses; doubling would leave a store of 2^20 + 1 series room for 2^21). Small
 * arrays grow by copying into a new `Float64Array`. From {@link IN_PLACE_BYTES} on, an array lives
 * in a `WebAssembly.Memory` and grows in place: V8 reserves a wasm memory's address space up front
 * and `grow` only commits pages, so nothing is copied and no old array is left for the collector.
 * Grown by copying to 2M series, the records (24 bytes a slot) allocated about 800 MB of array
 * buffers in all, 17 times what they keep, which V8 counts as external memory and answers with
 * full GCs. Measured on 2M new series through `normalize` (the bench's growth section): full GCs
 * per run 9–10 → 6, the worst reading 243 → 187–193 ms, and outside the full GCs 29.5 → 15–16 ms.
 * The other full GCs come from the memory the paged columns keep (`slot-pages.ts`).
 *
 * Where a wasm memory cannot be had (no `WebAssembly`, e.g. `--jitless`; address space refused; the
 * 4 GiB limit of a wasm memory), the array goes on growing by copying: slower steps, same contents.
 * A wasm memory's bytes show in `process.memoryUsage().external`, not in `arrayBuffers`.
 */

/** Bytes from which an array grows in place (smaller copies take well under a millisecond). */
export const IN_PLACE_BYTES = 1 << 20;

const WASM_PAGE = 65536;

/** The part of `WebAssembly.Memory` used here (the project's type libraries do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** A wasm memory of at least `bytes` bytes, or undefined when none can be had. */
function wasmMemory(bytes: number): WasmMemory | undefined {
  const wasm = (globalThis as { WebAssembly?: { Memory: new (d: { initial: number }) => WasmMemory } }).WebAssembly;
  if (wasm === undefined) return undefined;
  try {
    return new wasm.Memory({ initial: Math.ceil(bytes / WASM_PAGE) });
  } catch {
    return undefined;
  }
}

/**
 * A growable array of doubles, all zero until written. Readers keep {@link GrowableDoubles.array}
 * in a field of their own and take it again after each {@link GrowableDoubles.grow}: a grown wasm
 * memory detaches the `ArrayBuffer` of the array before it.
 */
export class GrowableDoubles {
  /** The doubles (a new array after each growth). */
  array: Float64Array<ArrayBuffer> = new Float64Array(0);
  private memory: WasmMemory | undefined;
  private copying = false;

  /**
   * Makes {@link GrowableDoubles.array} hold at least `need` doubles, keeping its contents, and
   * returns it: a sixteenth more than it held (256 doubles at least), in place rounded up to whole
   * 64 KiB pages. Growing in place, smaller steps would copy nothing either, but V8 counts each
   * step's new view of the memory at its full length toward the external memory that starts a full
   * GC (measured: to 400 MB in steps of a sixty-fourth, 101 full GCs; of a sixteenth, 33).
   */
  grow(need: number): Float64Array<ArrayBuffer> {
    const have = this.array.length;
    if (need <= have) return this.array;
    const n = Math.max(need, have + Math.max(256, have >> 4));
    const bytes = n * 8;
    if (!this.copying && bytes >= IN_PLACE_BYTES) {
      if (this.memory === undefined) {
        const memory = wasmMemory(bytes);
        if (memory !== undefined) {
          const array = new Float64Array(memory.buffer);
          array.set(this.array);
          this.memory = memory;
          return (this.array = array);
        }
      } else {
        try {
          this.memory.grow(Math.ceil(bytes / WASM_PAGE) - this.memory.buffer.byteLength / WASM_PAGE);
          return (this.array = new Float64Array(this.memory.buffer));
        } catch {
          // Out of address space or past a wasm memory's limit: copy from now on.
        }
      }
      this.copying = true;
    }
    const array = new Float64Array(n);
    array.set(this.array);
    this.memory = undefined;
    return (this.array = array);
  }

  /** Whether the array grows in place (a wasm memory holds it). */
  get inPlace(): boolean {
    return this.memory !== undefined;
  }
}
