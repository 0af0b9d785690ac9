// Record ids: random, never derived from personal data, because ids become Yjs map keys and
// keys survive deletion in encoded updates.
import { mulberry32 } from './random';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
/** 16 base32 chars = 80 bits: collisions are negligible even across many tablets offline. */
export const ID_LENGTH = 16;
export const ID_PATTERN = /^[a-z2-7]{16}$/;

// One getRandomValues call per id costs a system call each in Node; an import of 100,000
// customers makes that the slowest step. Bytes are drawn in blocks and each byte used once.
const POOL = new Uint8Array(ID_LENGTH * 256);
let poolUsed = POOL.length;

export function newId(): string {
	if (poolUsed + ID_LENGTH > POOL.length) {
		globalThis.crypto.getRandomValues(POOL);
		poolUsed = 0;
	}
	let id = '';
	// 256 is a multiple of 32, so taking the low 5 bits keeps every character equally likely.
	for (let i = 0; i < ID_LENGTH; i++) id += ALPHABET[POOL[poolUsed++] & 31];
	return id;
}

/** Deterministic ids for tests and the demo shop: same seed, same sequence. */
export function seededIds(seed: number): () => string {
	const next = mulberry32(seed);
	return () => {
		let id = '';
		for (let i = 0; i < ID_LENGTH; i++) id += ALPHABET[Math.floor(next() * 32)];
		return id;
	};
}
