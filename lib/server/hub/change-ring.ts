import 'server-only';

/** One change event, encoded for SSE once for every client. */
export type Frame = { revision: number; bytes: Buffer };

/**
 * The most recent encoded change frames, bounded by count and bytes, so a reconnecting client
 * can be sent exactly what it missed. `floor` is the revision from which the ring is complete:
 * a client at revision N can resume here when floor <= N <= head.
 */
export class ChangeRing {
  private frames: Frame[] = [];
  private start = 0;
  private bytes = 0;
  floor = 0;
  head = 0;

  constructor(
    private readonly maxEvents: number,
    private readonly maxBytes: number,
  ) {}

  /** Forgets everything: the state was replaced (first load or recreated bucket) at `revision`. */
  reset(revision: number): void {
    this.frames = [];
    this.start = 0;
    this.bytes = 0;
    this.floor = this.head = revision;
  }

  push(frame: Frame): void {
    this.frames.push(frame);
    this.bytes += frame.bytes.byteLength;
    this.head = frame.revision;
    while (this.length > 0 && (this.length > this.maxEvents || this.bytes > this.maxBytes)) {
      const old = this.frames[this.start++]!;
      this.bytes -= old.bytes.byteLength;
      this.floor = old.revision;
    }
    // Compact now and then instead of shifting on every eviction.
    if (this.start > 1024 && this.start * 2 > this.frames.length) {
      this.frames = this.frames.slice(this.start);
      this.start = 0;
    }
  }

  get length(): number {
    return this.frames.length - this.start;
  }

  get byteSize(): number {
    return this.bytes;
  }

  /** The frames after `revision`, or undefined when the ring cannot prove it has them all. */
  since(revision: number): Frame[] | undefined {
    if (revision < this.floor || revision > this.head) return undefined;
    let lo = this.start;
    let hi = this.frames.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.frames[mid]!.revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return this.frames.slice(lo);
  }
}
