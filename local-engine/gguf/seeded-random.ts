/** A deterministic generator (xoshiro128**), so a seed always produces the same model file. */
export interface SeededRandom {
  /** Uniform in [0, 2^32). */
  nextUint32(): number;
  /** Uniform in (0, 1); never 0, so it can go through a logarithm. */
  nextUnitInterval(): number;
  /** Uniform integer in [0, bound). */
  nextInt(bound: number): number;
  /** Fills `target` with normal samples of mean 0 (Box-Muller, two samples per pair of draws). */
  fillGaussian(target: Float32Array, standardDeviation: number): void;
}

function rotateLeft(value: number, count: number): number {
  return (value << count) | (value >>> (32 - count));
}

// splitmix32 spreads a small seed over the 128-bit state; xoshiro must not start from all zeros.
function splitMix32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let mixed = Math.imul(state ^ (state >>> 16), 0x85ebca6b);
    mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35);
    return (mixed ^ (mixed >>> 16)) >>> 0;
  };
}

export function createSeededRandom(seed: number): SeededRandom {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`seed ${seed} must be a non-negative integer`);
  }
  const mix = splitMix32((seed >>> 0) ^ Math.floor(seed / 2 ** 32));
  let s0 = mix();
  let s1 = mix();
  let s2 = mix();
  let s3 = mix();

  const nextUint32 = (): number => {
    const result = Math.imul(rotateLeft(Math.imul(s1, 5), 7), 9) >>> 0;
    const shifted = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= shifted;
    s3 = rotateLeft(s3, 11);
    return result;
  };
  const nextUnitInterval = (): number => (nextUint32() + 0.5) / 2 ** 32;

  return {
    nextUint32,
    nextUnitInterval,
    nextInt: (bound) => Math.floor((nextUint32() / 2 ** 32) * bound),
    fillGaussian(target, standardDeviation) {
      for (let index = 0; index < target.length; index += 2) {
        const radius = standardDeviation * Math.sqrt(-2 * Math.log(nextUnitInterval()));
        const angle = 2 * Math.PI * nextUnitInterval();
        target[index] = radius * Math.cos(angle);
        if (index + 1 < target.length) target[index + 1] = radius * Math.sin(angle);
      }
    },
  };
}
