// Data factories for the groups' tests and benchmark: customers, sales, facts and groups with
// sensible defaults, overridden field by field.
import type { Customer } from '../customer';
import { computeStats } from '../sales/stats';
import { saleTotals } from '../sales/totals';
import type { Sale, SaleLine } from '../sales/types';
import { factsOf, type CustomerFacts } from './facts';
import { RULE_SCHEMA_VERSION, type Condition, type Group, type GroupCommon, type RuleNode, type StoredRule, type TierConfig } from './types';

export function makeCustomer(over: Partial<Customer> = {}): Customer {
	return {
		id: 'c1', firstName: 'Ada', lastName: 'Lovelace', email: '', phone: '', birthDate: '1990-06-15', gender: 'female',
		addresses: [], defaultAddressId: null, cards: [], consents: {}, tags: [], notes: '', storeId: 'camden',
		registeredAt: '2024-01-10T10:00:00.000Z', updatedAt: '2024-01-10T10:00:00.000Z',
		...over
	};
}

export function makeLine(over: Partial<SaleLine> = {}): SaleLine {
	return {
		itemId: 'mug', sku: 'MUG', name: 'Mug', brand: 'Potters', category: 'Home', variant: 'M',
		qty: 1, unitPrice: 1000, unitCost: 400, discount: 0, discountReason: '', pointsRedeemed: 0, pointsValue: 0,
		...over
	};
}

/** A sale of `amount` minor units (one line) by customer `customerId` at instant `at`. */
export function makeSale(id: string, customerId: string, at: string, amount = 1000, over: Partial<Sale> = {}): Sale {
	const lines = over.lines ?? [makeLine({ unitPrice: amount, unitCost: Math.floor(amount / 2) })];
	return {
		id, receiptNo: `R-${id}`, at, storeId: 'camden', deviceId: 'd1', deviceName: 'Till 1', cashier: 'Sam',
		customerId, lines, payments: [], ...saleTotals(lines), change: 0, pointsEarned: 0, pointsRedeemed: 0,
		refundOf: null, currency: 'GBP',
		...over
	};
}

/** Facts of a customer with these sales, as of `today` in `timeZone`. */
export function makeFacts(
	over: Partial<Customer> = {},
	sales: readonly Sale[] = [],
	today = '2026-06-15',
	timeZone = 'Europe/London',
	extra: Partial<CustomerFacts> = {}
): CustomerFacts {
	const c = makeCustomer(over);
	const stats = sales.length ? computeStats(c.id, sales, [], today, timeZone) : undefined;
	return { ...factsOf(c, stats, []), ...extra };
}

export function rule(...children: RuleNode[]): StoredRule {
	return { version: RULE_SCHEMA_VERSION, root: { kind: 'block', op: 'all', children } };
}

export function block(op: 'all' | 'any' | 'none', ...children: RuleNode[]): RuleNode {
	return { kind: 'block', op, children };
}

const COMMON: Omit<GroupCommon, 'id' | 'name'> = {
	description: '', tags: [], vip: false, discountPct: null, loyaltyEnabled: false, appAccess: false,
	createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'Sam', updatedAt: '2026-01-01T00:00:00.000Z'
};

export function manualGroup(id: string, name = id): Group {
	return { ...COMMON, id, name, type: 'manual' };
}

export function automaticGroup(id: string, r: StoredRule | Condition, name = id): Group {
	const stored = 'version' in r ? r : rule(r);
	return { ...COMMON, id, name, type: 'automatic', rule: stored };
}

export function tieredGroup(id: string, tier: TierConfig, name = id): Group {
	return { ...COMMON, id, name, type: 'tiered', tier };
}

export function rfmGroup(enabled = true): Group {
	return { ...COMMON, id: 'rfm', name: 'RFM segments', type: 'rfm', enabled };
}
