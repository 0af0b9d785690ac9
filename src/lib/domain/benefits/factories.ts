// Data factories for the benefits' tests and benchmark: items, groups, benefits and coupons with
// sensible defaults, overridden field by field.
import { manualGroup, tieredGroup } from '../groups/factories';
import type { Group, TierConfig } from '../groups/types';
import type { PricingInput } from './price';
import { BENEFIT_SCHEMA_VERSION, DEFAULT_POLICY, type Benefit, type BenefitValue, type Coupon, type PricingItem, type PricingLine } from './types';

export function item(id: string, price: number, over: Partial<PricingItem> = {}): PricingItem {
	return { id, name: id[0].toUpperCase() + id.slice(1), brand: 'Acme', category: 'Home', price, ...over };
}

export function line(it: PricingItem, qty = 1): PricingLine {
	return { item: it, qty };
}

/** A manual group created at `createdAt` (the tie-break looks at it). */
export function group(id: string, createdAt: string, name = id[0].toUpperCase() + id.slice(1)): Group {
	return { ...manualGroup(id, name), createdAt, updatedAt: createdAt };
}

export const GOLD_TIERS: TierConfig = {
	metric: 'spend',
	window: { kind: 'rollingMonths', months: 12 },
	levels: [
		{ id: 'standard', name: 'Standard', min: 0, max: 50_000, vip: false },
		{ id: 'gold', name: 'Gold', min: 50_000, max: 200_000, vip: false },
		{ id: 'platinum', name: 'Platinum', min: 200_000, max: null, vip: true }
	],
	retentionMonths: 0
};

export function tiers(id = 'club', createdAt = '2025-01-01T00:00:00.000Z', name = 'Club'): Group {
	return { ...tieredGroup(id, GOLD_TIERS, name), createdAt, updatedAt: createdAt };
}

let seq = 0;

export function benefit(target: string, value: BenefitValue, id = `b${++seq}`): Benefit {
	return { version: BENEFIT_SCHEMA_VERSION, id, target, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', ...value };
}

export function coupon(code: string, over: Partial<Coupon> = {}): Coupon {
	return {
		version: BENEFIT_SCHEMA_VERSION,
		id: `coupon-${code.toLowerCase()}`,
		code,
		value: { kind: 'pct', pct: 10 },
		validFrom: '2026-03-01',
		validTo: '2026-05-31',
		usesPerCustomer: null,
		groups: [],
		createdAt: '2026-01-01T00:00:00.000Z',
		updatedAt: '2026-01-01T00:00:00.000Z',
		...over
	};
}

/** A pricing input on 15 April 2026 in pounds, best price, overridden field by field. */
export function pricing(over: Partial<PricingInput> = {}): PricingInput {
	return {
		lines: [],
		customer: null,
		groups: [],
		benefits: [],
		policy: DEFAULT_POLICY,
		today: '2026-04-15',
		currency: 'GBP',
		...over
	};
}
