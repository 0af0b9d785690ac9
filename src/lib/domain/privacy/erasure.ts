// Rules of erasure and retention that need no storage: plain functions, tested in Node.

/** Folded for comparison: case, accents and runs of spaces do not matter when typing a name. */
function fold(s: string): string {
	return s.normalize('NFD').replace(/\p{M}/gu, '').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** The typed confirmation of an erasure: the customer's full name, or the word ERASE. */
export function confirmationMatches(typed: string, name: string): boolean {
	const t = fold(typed);
	if (t === '') return false;
	return t === 'erase' || (fold(name) !== '' && t === fold(name));
}

export const RETENTION_MIN_YEARS = 1;
export const RETENTION_MAX_YEARS = 50;

export function parseRetentionYears(text: string): { ok: true; years: number } | { ok: false } {
	const t = text.trim();
	if (!/^\d{1,2}$/.test(t)) return { ok: false };
	const years = Number(t);
	return years >= RETENTION_MIN_YEARS && years <= RETENTION_MAX_YEARS ? { ok: true, years } : { ok: false };
}

/**
 * Flagged by retention: no sale since the cutoff and no change to the profile since it either (a
 * customer never logs in, so a profile edit is the only other sign of life). `lastSale`: ISO
 * instant of their latest sale or refund, null without any. `cutoff`: the first day still counted
 * as recent ('YYYY-MM-DD', dates.yearsBefore of today); an instant of that day sorts after it.
 */
export function isDormant(c: { updatedAt: string; registeredAt: string }, lastSale: string | null, cutoff: string): boolean {
	const lastChange = c.updatedAt > c.registeredAt ? c.updatedAt : c.registeredAt;
	return lastChange < cutoff && (lastSale === null || lastSale < cutoff);
}
