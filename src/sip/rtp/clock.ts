/**
 * One media clock for every call: a single timer that calls each registered stream's `tick` once
 * per elapsed 20 ms, catching up on late timer firings so packet timing follows the wall clock
 * rather than timer drift (and many calls cost one timer, not one each).
 */

/** Something that does 20 ms of media work per tick. */
export interface Ticking {
  tick(): void;
}

export const FRAME_MS = 20;
/** Most ticks run at once after a stall; older ones are dropped rather than burst out. */
const MAX_CATCH_UP = 5;

export class MediaClock {
  #members = new Map<Ticking, number>();
  #timer: NodeJS.Timeout | undefined;

  /** Starts ticking `t` from now. */
  add(t: Ticking): void {
    this.#members.set(t, Date.now());
    this.#timer ??= setInterval(() => this.#run(), 5);
  }

  remove(t: Ticking): void {
    this.#members.delete(t);
    if (this.#members.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  #run() {
    const now = Date.now();
    for (const [member, next] of this.#members) {
      let due = next;
      let n = 0;
      while (due <= now && n < MAX_CATCH_UP) {
        due += FRAME_MS;
        n++;
        try {
          member.tick();
        } catch {
          // One stream's failure must not stop the clock for the others.
        }
      }
      if (due <= now) due = now + FRAME_MS; // stalled too long: resynchronise
      if (this.#members.has(member)) this.#members.set(member, due);
    }
  }
}
