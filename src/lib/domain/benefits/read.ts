// Reading stored benefits, coupons and the policy (from Yjs or IndexedDB): a shape written by a
// newer version of the app is refused as 'newer-version' (kept, shown as "needs an update", never
// applied) and a damaged one as 'invalid'; neither is ever guessed at.
import { BENEFIT_SCHEMA_VERSION, type Benefit, type BenefitPolicy, type Coupon } from './types';

export type ReadResult<T> = { ok: true; value: T } | { ok: false; reason: 'newer-version' | 'invalid' };

/** Upgrades of a stored shape from version N to N + 1 (none yet: version 1 is the first). */
export type Migration = (old: Record<string, unknown>) => Record<string, unknown>;
export const BENEFIT_MIGRATIONS: Readonly<Record<number, Migration>> = {};

type Rec = Record<string, unknown>;

function isRec(x: unknown): x is Rec {
	return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const str = (x: unknown): x is string => typeof x === 'string';
const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

function upgrade(raw: unknown, current: number, migrations: Readonly<Record<number, Migration>>): ReadResult<Rec> {
	if (!isRec(raw) || !num(raw.version) || !Number.isInteger(raw.version) || raw.version < 1) return { ok: false, reason: 'invalid' };
	if (raw.version > current) return { ok: false, reason: 'newer-version' };
	let r = raw;
	while ((r.version as number) < current) {
		const from = r.version as number;
		const migrate = migrations[from];
		if (!migrate) return { ok: false, reason: 'invalid' };
		r = migrate(r);
		if (r.version !== from + 1) return { ok: false, reason: 'invalid' };
	}
	return { ok: true, value: r };
}

function entryOk(e: unknown): boolean {
	if (!isRec(e) || !isRec(e.match) || !isRec(e.price)) return false;
	const m = e.match;
	const p = e.price;
	const matchOk = (m.kind === 'item' && str(m.itemId)) || (m.kind === 'brand' && str(m.brand)) || (m.kind === 'category' && str(m.category));
	const priceOk = ((p.kind === 'fixed' || p.kind === 'amountOff') && num(p.amount)) || (p.kind === 'pctOff' && num(p.pct));
	return Boolean(matchOk && priceOk);
}

function valueOk(r: Rec): boolean {
	switch (r.kind) {
		case 'discount':
			return num(r.pct);
		case 'priceBook':
			return str(r.name) && Array.isArray(r.entries) && r.entries.every(entryOk);
		case 'pointsMultiplier':
			return num(r.factor);
		case 'redemptionLimit':
			return num(r.points) && (r.period === 'day' || r.period === 'week' || r.period === 'month');
		case 'loyalty':
			return typeof r.enabled === 'boolean';
		case 'appAccess':
			return Array.isArray(r.categories) && r.categories.every(str);
		case 'vip':
			return true;
		default:
			return false;
	}
}

export function readBenefit(raw: unknown, current = BENEFIT_SCHEMA_VERSION, migrations = BENEFIT_MIGRATIONS): ReadResult<Benefit> {
	const up = upgrade(raw, current, migrations);
	if (!up.ok) return up;
	const r = up.value;
	if (!str(r.id) || !str(r.target) || !str(r.createdAt) || !str(r.updatedAt) || !valueOk(r)) return { ok: false, reason: 'invalid' };
	return { ok: true, value: r as unknown as Benefit };
}

export function readCoupon(raw: unknown, current = BENEFIT_SCHEMA_VERSION, migrations = BENEFIT_MIGRATIONS): ReadResult<Coupon> {
	const up = upgrade(raw, current, migrations);
	if (!up.ok) return up;
	const r = up.value;
	const v = r.value;
	const valueOk = isRec(v) && ((v.kind === 'amount' && num(v.amount)) || (v.kind === 'pct' && num(v.pct)));
	const usesOk = r.usesPerCustomer === null || num(r.usesPerCustomer);
	if (!str(r.id) || !str(r.code) || !valueOk || !str(r.validFrom) || !str(r.validTo) || !usesOk || !Array.isArray(r.groups) || !r.groups.every(str)) {
		return { ok: false, reason: 'invalid' };
	}
	return { ok: true, value: r as unknown as Coupon };
}

export function readPolicy(raw: unknown, current = BENEFIT_SCHEMA_VERSION, migrations = BENEFIT_MIGRATIONS): ReadResult<BenefitPolicy> {
	const up = upgrade(raw, current, migrations);
	if (!up.ok) return up;
	const r = up.value;
	const ok =
		r.kind === 'best-price' || r.kind === 'newest-group' || r.kind === 'stack' || (r.kind === 'priority' && Array.isArray(r.order) && r.order.every(str));
	return ok ? { ok: true, value: r as unknown as BenefitPolicy } : { ok: false, reason: 'invalid' };
}
