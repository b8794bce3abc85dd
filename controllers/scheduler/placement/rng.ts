/**
 * A small seeded random number generator (mulberry32) for placement: the same seed gives the same
 * sequence, so a scheduling pass can be replayed exactly. Not for anything security-related.
 */
import type { Rng } from './place.js';

export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
