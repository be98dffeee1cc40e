/**
 * How a store's flat per-slot arrays of doubles grow (the slot records and their side column); the
 * one home of this policy.
 *
 * An array grows by a sixteenth (so that one just past a growth point holds at most a sixteenth
 * more room than it uses; doubling would leave a store of 2^20 + 1 series room for 2^21). Small
 * arrays grow by copying into a new `Float64Array`. From {@link IN_PLACE_BYTES} on, an array lives
 * in a shared `WebAssembly.Memory` and grows in place: V8 reserves the memory's address space up
 * front and `grow` only commits pages, so nothing is copied and no old array is left for the
 * collector. Grown by copying to 2M series, the records (24 bytes a slot) allocated about 800 MB
 * of array buffers in all, 17 times what they keep, which V8 counts as external memory and answers
 * with full GCs (9–10 per run of the bench's growth section).
 *
 * Shared, because growing a memory that is not shared detaches its old `ArrayBuffer`, and the
 * first detached buffer in a process makes V8's optimized code check for detachment at every
 * typed-array access from then on: 3–9% more per reading at 1k series (measured, in separate
 * processes, frozen and fitting). Growing a shared memory detaches nothing: the old view stays
 * valid, at its old length.
 *
 * Where a shared wasm memory cannot be had (no `WebAssembly`, e.g. `--jitless`; address space
 * refused; the 4 GiB limit of a wasm memory), the array goes on growing by copying: slower steps,
 * same contents. A shared memory's bytes show in neither `process.memoryUsage().external` nor
 * `arrayBuffers`, and V8 does not count them toward starting a GC: {@link wasmMemoryBytes} reports
 * them.
 */

/** Bytes from which an array grows in place (smaller copies take well under a millisecond). */
export const IN_PLACE_BYTES = 1 << 20;

const WASM_PAGE = 65536;

/** A wasm memory's limit: 65,536 pages of 64 KiB (4 GiB), all a 32-bit memory can address. */
const MAX_PAGES = 65536;

/** The part of `WebAssembly.Memory` used here (the project's type libraries do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}

interface WasmMemoryConstructor {
  new (d: { initial: number; maximum: number; shared: boolean }): WasmMemory;
}

/** Bytes held by live wasm memories of this module, each with a cell of its own bytes. */
let heldBytes = 0;
const released = new FinalizationRegistry<{ bytes: number }>((cell) => {
  heldBytes -= cell.bytes;
});

/**
 * Bytes of WebAssembly memory that stores' growable arrays hold now: memory that
 * `process.memoryUsage()` does not report. A memory counts until it is garbage-collected.
 */
export function wasmMemoryBytes(): number {
  return heldBytes;
}

/** A shared wasm memory of at least `bytes` bytes, or undefined when none can be had. */
function wasmMemory(bytes: number): WasmMemory | undefined {
  const wasm = (globalThis as { WebAssembly?: { Memory: WasmMemoryConstructor } }).WebAssembly;
  if (wasm === undefined) return undefined;
  try {
    return new wasm.Memory({ initial: Math.ceil(bytes / WASM_PAGE), maximum: MAX_PAGES, shared: true });
  } catch {
    return undefined;
  }
}

/**
 * A growable array of doubles, all zero until written. Readers keep {@link GrowableDoubles.array}
 * in a field of their own and take it again after each {@link GrowableDoubles.grow} (an array from
 * before a growth is not longer than it was).
 */
export class GrowableDoubles {
  /** The doubles (a new array after each growth). */
  array: Float64Array<ArrayBufferLike> = new Float64Array(0);
  /** The wasm memory holding the array, with the cell of its bytes in {@link wasmMemoryBytes}. */
  private wasm: { readonly memory: WasmMemory; readonly held: { bytes: number } } | undefined;
  private copying = false;

  /**
   * Makes {@link GrowableDoubles.array} hold at least `need` doubles, keeping its contents, and
   * returns it: a sixteenth more than it held (256 doubles at least), in place rounded up to whole
   * 64 KiB pages (the committed pages are what the store holds, so the same bound on unused room).
   */
  grow(need: number): Float64Array<ArrayBufferLike> {
    const have = this.array.length;
    if (need <= have) return this.array;
    const n = Math.max(need, have + Math.max(256, have >> 4));
    const bytes = n * 8;
    if (!this.copying && bytes >= IN_PLACE_BYTES) {
      if (this.wasm === undefined) {
        const memory = wasmMemory(bytes);
        if (memory !== undefined) {
          const array = new Float64Array(memory.buffer);
          array.set(this.array);
          const held = { bytes: memory.buffer.byteLength };
          heldBytes += held.bytes;
          released.register(memory, held);
          this.wasm = { memory, held };
          return (this.array = array);
        }
      } else {
        const { memory, held } = this.wasm;
        try {
          memory.grow(Math.ceil(bytes / WASM_PAGE) - held.bytes / WASM_PAGE);
          heldBytes += memory.buffer.byteLength - held.bytes;
          held.bytes = memory.buffer.byteLength;
          return (this.array = new Float64Array(memory.buffer));
        } catch {
          // Out of address space or past a wasm memory's limit: copy from now on.
        }
      }
      this.copying = true;
    }
    const array = new Float64Array(n);
    array.set(this.array);
    this.wasm = undefined;
    return (this.array = array);
  }

  /** Whether the array grows in place (a wasm memory holds it). */
  get inPlace(): boolean {
    return this.wasm !== undefined;
  }
}
