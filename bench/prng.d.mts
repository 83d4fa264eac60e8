// Types for prng.mjs, which the bench and the soak run with plain node.
export function mulberry32(seed: number): () => number;
