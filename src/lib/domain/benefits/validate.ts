// Every mistake in a benefit, a coupon or the policy, at the field where it was made, before
// anything is saved. The till never validates: it applies what was saved, so a mistake caught
// here is never a surprise at the counter.
import { isValidDate } from '../dates';
import type { FieldError } from '../errors';
import { RFM_SEGMENT_IDS } from '../groups/rfm';
import type { Group, MembershipKey } from '../groups/types';
import { formatMoney } from '../sales/items';
import { COUPON_CODE_RE, normalizeCode } from './coupons';
import { groupMap, groupOf, impliedBenefits, isLevelKey } from './sources';
import type { Benefit, BenefitPolicy, BenefitValue, Coupon, PriceBookEntry } from './types';

/** What a price book may refer to: the shop's items (with their prices, for "below zero"). */
export interface Catalogue {
	items: ReadonlyMap<string, { id: string; name: string; brand: string; category: string; price: number }>;
	brands: ReadonlySet<string>;
	categories: ReadonlySet<string>;
}

export function catalogueOf(items: Iterable<{ id: string; name: string; brand: string; category: string; price: number }>): Catalogue {
	const map = new Map<string, { id: string; name: string; brand: string; category: string; price: number }>();
	const brands = new Set<string>();
	const categories = new Set<string>();
	for (const i of items) {
		map.set(i.id, i);
		if (i.brand) brands.add(i.brand);
		if (i.category) categories.add(i.category);
	}
	return { items: map, brands, categories };
}

export type BenefitDraft = BenefitValue & { target: MembershipKey };
export type CouponDraft = Omit<Coupon, 'version' | 'id' | 'createdAt' | 'updatedAt'>;

const PERIODS = ['day', 'week', 'month'];
export const BENEFIT_LIMITS = { name: 100, entries: 5000, multiplier: 100, code: 32 } as const;

type Err = (field: string, code: FieldError['code'], params?: Record<string, string>) => void;

function collector(): { errors: FieldError[]; err: Err } {
	const errors: FieldError[] = [];
	return { errors, err: (field, code, params) => errors.push(params ? { field, code, params } : { field, code }) };
}

/** A percentage from 0 to 100 with at most two decimals (hundredths of a percent are what pricing computes in). */
export function isValidPct(pct: unknown, { zero = true } = {}): boolean {
	return (
		typeof pct === 'number' && Number.isFinite(pct) && pct <= 100 && (zero ? pct >= 0 : pct > 0) && Math.abs(pct * 100 - Math.round(pct * 100)) < 1e-9
	);
}

function isMoney(n: unknown, min: number): n is number {
	return typeof n === 'number' && Number.isInteger(n) && n >= min;
}

/** Whether a membership key names an existing group, tier level or RFM segment. */
export function keyExists(key: MembershipKey, groups: ReadonlyMap<string, Group>): boolean {
	const g = groups.get(groupOf(key));
	if (!g) return false;
	if (!isLevelKey(key)) return true;
	const levelId = key.slice(key.indexOf('/') + 1);
	if (g.type === 'tiered') return g.tier.levels.some((l) => l.id === levelId);
	if (g.type === 'rfm') return RFM_SEGMENT_IDS.has(levelId);
	return false;
}

function entryLabel(e: PriceBookEntry): string {
	const m = e.match;
	return m.kind === 'item' ? m.itemId : m.kind === 'brand' ? m.brand : m.category;
}

function entryKey(e: PriceBookEntry): string {
	return `${e.match.kind}\u0000${entryLabel(e)}`;
}

function validateEntry(e: PriceBookEntry, at: string, cat: Catalogue, currency: string, err: Err): void {
	const m = e?.match;
	if (!m || (m.kind !== 'item' && m.kind !== 'brand' && m.kind !== 'category')) return err(`${at}.match`, 'benefit-kind-invalid');
	const value = entryLabel(e);
	const matched: { name: string; price: number }[] = [];
	if (m.kind === 'item') {
		const item = cat.items.get(m.itemId);
		if (!item) return err(`${at}.match`, 'benefit-item-unknown', { value });
		matched.push(item);
	} else {
		if (!(m.kind === 'brand' ? cat.brands : cat.categories).has(value)) {
			return err(`${at}.match`, m.kind === 'brand' ? 'benefit-brand-unknown' : 'benefit-category-unknown', { value });
		}
		for (const i of cat.items.values()) if ((m.kind === 'brand' ? i.brand : i.category) === value) matched.push(i);
	}
	const p = e.price;
	if (p?.kind === 'pctOff') {
		if (!isValidPct(p.pct)) err(`${at}.price`, 'benefit-pct-invalid');
	} else if (p?.kind === 'fixed' || p?.kind === 'amountOff') {
		if (!isMoney(p.amount, 0)) return err(`${at}.price`, 'benefit-amount-invalid');
		if (p.kind === 'amountOff') {
			// The cheapest item it covers is the one it would take below zero first.
			const cheapest = matched.filter((i) => i.price > 0).sort((a, b) => a.price - b.price)[0];
			if (cheapest && p.amount > cheapest.price) {
				err(`${at}.price`, 'benefit-price-below-zero', { name: cheapest.name, price: formatMoney(cheapest.price, currency) });
			}
		}
	} else err(`${at}.price`, 'benefit-kind-invalid');
}

/**
 * Every mistake in a benefit being saved, at its field: 'target', 'pct', 'name', 'entries',
 * 'entries.3.match', 'entries.3.price', 'factor', 'points', 'period', 'categories.1'.
 */
export function validateBenefit(b: BenefitDraft, groups: readonly Group[], cat: Catalogue, currency = 'GBP'): FieldError[] {
	const { errors, err } = collector();
	if (typeof b.target !== 'string' || !keyExists(b.target, groupMap(groups))) err('target', 'benefit-target-unknown');
	switch (b.kind) {
		case 'discount':
			if (!isValidPct(b.pct)) err('pct', 'benefit-pct-invalid');
			break;
		case 'priceBook': {
			if (typeof b.name !== 'string' || b.name.trim() === '') err('name', 'benefit-price-book-name-required');
			else if (b.name.trim().length > BENEFIT_LIMITS.name) err('name', 'field-too-long', { max: String(BENEFIT_LIMITS.name) });
			const entries = Array.isArray(b.entries) ? b.entries : [];
			if (entries.length === 0) err('entries', 'benefit-price-book-empty');
			if (entries.length > BENEFIT_LIMITS.entries) err('entries', 'field-too-long', { max: String(BENEFIT_LIMITS.entries) });
			const seen = new Map<string, number>();
			entries.forEach((e, i) => {
				validateEntry(e, `entries.${i}`, cat, currency, err);
				if (!e?.match) return;
				const k = entryKey(e);
				const first = seen.get(k);
				if (first !== undefined) err(`entries.${i}.match`, 'benefit-entry-duplicate', { value: entryLabel(e), other: String(first + 1) });
				else seen.set(k, i);
			});
			break;
		}
		case 'pointsMultiplier':
			if (typeof b.factor !== 'number' || !Number.isFinite(b.factor) || b.factor <= 0 || b.factor > BENEFIT_LIMITS.multiplier) {
				err('factor', 'benefit-multiplier-invalid');
			}
			break;
		case 'redemptionLimit':
			if (!isMoney(b.points, 1)) err('points', 'benefit-limit-invalid');
			if (!PERIODS.includes(b.period)) err('period', 'benefit-period-invalid');
			break;
		case 'loyalty':
			if (typeof b.enabled !== 'boolean') err('enabled', 'benefit-kind-invalid');
			break;
		case 'appAccess': {
			const cats = Array.isArray(b.categories) ? b.categories : [];
			if (cats.length === 0) err('categories', 'benefit-categories-required');
			cats.forEach((c, i) => {
				if (!cat.categories.has(c)) err(`categories.${i}`, 'benefit-category-unknown', { value: String(c) });
			});
			break;
		}
		case 'vip':
			break;
		default:
			err('kind', 'benefit-kind-invalid');
	}
	return errors;
}

/** A date range of 'YYYY-MM-DD' days, both inclusive: both given, both real, the end not before the start. */
export function validateDateRange(from: string, to: string, fields: [string, string] = ['from', 'to']): FieldError[] {
	const { errors, err } = collector();
	const empty = (d: unknown) => typeof d !== 'string' || d.trim() === '';
	if (empty(from)) err(fields[0], 'date-range-empty');
	else if (!isValidDate(from)) err(fields[0], 'date-range-invalid');
	if (empty(to)) err(fields[1], 'date-range-empty');
	else if (!isValidDate(to)) err(fields[1], 'date-range-invalid');
	if (errors.length === 0 && to < from) err(fields[1], 'date-range-reversed');
	return errors;
}

/** Every mistake in a coupon being created (selfId null) or updated, at its field. */
export function validateCoupon(c: CouponDraft, existing: readonly Coupon[], groups: readonly Group[], selfId: string | null): FieldError[] {
	const { errors, err } = collector();
	const code = normalizeCode(c.code);
	if (!COUPON_CODE_RE.test(code)) err('code', 'coupon-code-invalid');
	else if (existing.some((x) => x.id !== selfId && normalizeCode(x.code) === code)) err('code', 'coupon-code-taken', { code });
	const v = c.value;
	if (v?.kind === 'amount') {
		if (!isMoney(v.amount, 1)) err('value', 'coupon-value-invalid');
	} else if (v?.kind === 'pct') {
		if (!isValidPct(v.pct, { zero: false })) err('value', 'coupon-value-invalid');
	} else err('value', 'coupon-value-invalid');
	errors.push(...validateDateRange(c.validFrom, c.validTo, ['validFrom', 'validTo']));
	if (c.usesPerCustomer !== null && !isMoney(c.usesPerCustomer, 1)) err('usesPerCustomer', 'coupon-uses-invalid');
	const all = groupMap(groups);
	(Array.isArray(c.groups) ? c.groups : []).forEach((k, i) => {
		if (!keyExists(k, all)) err(`groups.${i}`, 'coupon-group-unknown');
	});
	return errors;
}

/** Groups whose members get a price or points from their benefits: the ones a priority order must rank. */
export function groupsNeedingRank(groups: readonly Group[], benefits: readonly Benefit[]): string[] {
	const ranked = new Set<string>();
	for (const b of [...impliedBenefits(groups), ...benefits]) {
		if (b.kind === 'discount' || b.kind === 'priceBook' || b.kind === 'pointsMultiplier') ranked.add(groupOf(b.target));
	}
	return [...ranked].sort();
}

/** The shop's policy: a known kind; a priority order naming every group that gives a price, each once, and no unknown group. */
export function validatePolicy(policy: BenefitPolicy, groups: readonly Group[], benefits: readonly Benefit[]): FieldError[] {
	const { errors, err } = collector();
	if (!policy || !['best-price', 'priority', 'newest-group', 'stack'].includes(policy.kind)) {
		err('kind', 'policy-invalid');
		return errors;
	}
	if (policy.kind !== 'priority') return errors;
	const all = groupMap(groups);
	const order = Array.isArray(policy.order) ? policy.order : [];
	const seen = new Set<string>();
	order.forEach((id, i) => {
		const g = all.get(id);
		if (!g) err(`order.${i}`, 'policy-priority-unknown');
		else if (seen.has(id)) err(`order.${i}`, 'policy-priority-duplicate', { group: g.name });
		seen.add(id);
	});
	for (const id of groupsNeedingRank(groups, benefits)) {
		const g = all.get(id);
		if (g && !seen.has(id)) err('order', 'policy-priority-missing', { group: g.name });
	}
	return errors;
}

/** What depends on a group about to be deleted: its benefits (deleted with it) and the coupons restricted to it. */
export function dependentsOf(groupId: string, benefits: readonly Benefit[], coupons: readonly Coupon[]): { benefits: string[]; coupons: string[] } {
	return {
		benefits: benefits.filter((b) => groupOf(b.target) === groupId).map((b) => b.id).sort(),
		coupons: coupons.filter((c) => c.groups.some((k) => groupOf(k) === groupId)).map((c) => c.id).sort()
	};
}

/** Refuses deleting a group something depends on, unless the person chose to remove those too. */
export function validateGroupDeletion(
	group: Group,
	benefits: readonly Benefit[],
	coupons: readonly Coupon[],
	removeDependents: boolean
): FieldError[] {
	const d = dependentsOf(group.id, benefits, coupons);
	const count = d.benefits.length + d.coupons.length;
	if (count === 0 || removeDependents) return [];
	return [{ field: 'id', code: 'benefit-group-in-use', params: { group: group.name, count: String(count) } }];
}
