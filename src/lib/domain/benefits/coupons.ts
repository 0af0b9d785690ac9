// Coupon codes as typed at the till: a code is found however it was typed.

/** 'spring 26 ' → 'SPRING26': upper case, without spaces or dashes people add when reading a code out. */
export function normalizeCode(code: string): string {
	return typeof code === 'string' ? code.replace(/[\s-]+/g, '').toUpperCase() : '';
}

/** Codes are letters and digits only, 3 to 32 of them once normalised. */
export const COUPON_CODE_RE = /^[A-Z0-9]{3,32}$/;

/** The codes typed for a cart with `code` added (normalised; once; nothing when it is empty). */
export function withCode(codes: readonly string[], code: string): string[] {
	const c = normalizeCode(code);
	return c && !codes.includes(c) ? [...codes, c] : [...codes];
}
