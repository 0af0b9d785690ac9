// Property: evaluating only what changed (the customer whose sale, profile or manual membership
// changed; the date-dependent groups for everyone on a new day; a changed group and its
// dependants for everyone) always gives the same memberships as evaluating everything.
import { describe, expect, it } from 'vitest';
import type { Customer } from '../customer';
import { addDays } from '../dates';
import { Rng } from '../random';
import { addSale, emptyStats, type CustomerStats } from '../sales/stats';
import type { Sale } from '../sales/types';
import { factsOf, type CustomerFacts, type EvalContext } from './facts';
import { makeCustomer, makeLine, makeSale, manualGroup, rfmGroup, tieredGroup, automaticGroup } from './factories';
import { compileGroups, dateDependentGroups, membershipKeys, reevaluateKeys, withDependants, type CompiledGroups } from './evaluate';
import { rfmThresholds, type RfmThresholds } from './rfm';
import { SPEND_TIERS_PRESET } from './tiers';
import type { Condition, Group, ManualMember, RuleNode, StatWindow, StoredRule, TierConfig } from './types';

const TZ = 'America/New_York';
const BRANDS = ['Acme', 'Potters', 'Hearth'];
const TAGS = ['vip', 'staff', 'trade'];

function randomWindow(rng: Rng): StatWindow {
	return rng.pick<StatWindow>([
		{ kind: 'all' }, { kind: 'days', days: rng.int(1, 120) }, { kind: 'months', months: rng.int(1, 12) },
		{ kind: 'calendarYear' }, { kind: 'since', date: addDays('2025-01-01', rng.int(0, 500)) }
	]);
}

function randomCondition(rng: Rng, groupIds: string[]): Condition {
	const num = (lo: number, hi: number) => {
		const op = rng.pick(['gte', 'lte', 'gt', 'lt', 'eq', 'between'] as const);
		const value = rng.int(lo, hi);
		return op === 'between' ? { op, value, max: value + rng.int(0, hi - lo) } : { op, value };
	};
	switch (rng.int(0, 13)) {
		case 0: return { kind: 'age', ...num(15, 60) };
		case 1: return { kind: 'birthdayMonth', months: [rng.int(1, 12), rng.int(1, 12)] };
		case 2: return { kind: 'birthdayWithin', days: rng.int(0, 40) };
		case 3: return { kind: 'gender', genders: [rng.pick(['female', 'male', 'other', 'not-stated'] as const)] };
		case 4: return { kind: 'tags', match: rng.pick(['all', 'any'] as const), tags: [rng.pick(TAGS), rng.pick(TAGS)] };
		case 5: return { kind: 'registered', op: rng.pick(['before', 'onOrAfter'] as const),
			date: rng.chance(0.5) ? { kind: 'daysAgo', days: rng.int(0, 300) } : { kind: 'date', date: addDays('2025-01-01', rng.int(0, 500)) } };
		case 6:
		case 7: return { kind: 'stat', metric: rng.pick(['spend', 'visits', 'transactions', 'grossMargin', 'averageBasket'] as const),
			window: randomWindow(rng), ...num(0, 5000) };
		case 8: return { kind: 'pointsBalance', ...num(0, 200) };
		case 9: return { kind: 'daysSinceLastVisit', ...num(0, 200) };
		case 10: return { kind: 'firstVisit', op: rng.pick(['before', 'onOrAfter'] as const),
			date: rng.chance(0.5) ? { kind: 'daysAgo', days: rng.int(0, 300) } : { kind: 'date', date: addDays('2025-01-01', rng.int(0, 500)) } };
		case 11: return { kind: 'bought', what: rng.pick(['brand', 'item'] as const), values: [rng.pick([...BRANDS, 'i1', 'i2'])],
			days: rng.chance(0.5) ? null : rng.int(1, 90) };
		default: {
			if (groupIds.length === 0) return { kind: 'hasCard', value: rng.chance(0.5) };
			const id = rng.pick(groupIds);
			const levelId = id === 'tiers' && rng.chance(0.5) ? rng.pick(['standard', 'gold', 'platinum'])
				: id === 'rfm' && rng.chance(0.5) ? rng.pick(['champions', 'lost', 'new']) : null;
			return { kind: 'memberOf', groupId: id, levelId };
		}
	}
}

function randomNode(rng: Rng, groupIds: string[], depth: number): RuleNode {
	if (depth < 2 && rng.chance(0.3)) {
		const children = Array.from({ length: rng.int(1, 3) }, () => randomNode(rng, groupIds, depth + 1));
		return { kind: 'block', op: rng.pick(['all', 'any', 'none'] as const), children };
	}
	return randomCondition(rng, groupIds);
}

function randomRule(rng: Rng, groupIds: string[]): StoredRule {
	return { version: 1, root: { kind: 'block', op: rng.pick(['all', 'any'] as const), children: Array.from({ length: rng.int(1, 3) }, () => randomNode(rng, groupIds, 1)) } };
}

function randomTier(rng: Rng): TierConfig {
	const t = SPEND_TIERS_PRESET(1);
	const levels = t.levels.map((l) => ({ ...l }));
	levels[1].min = levels[0].max = rng.int(200, 1500);
	levels[2].min = levels[1].max = levels[1].min + rng.int(100, 3000);
	return {
		...t,
		levels,
		metric: rng.pick(['spend', 'grossMargin', 'transactions', 'visits'] as const),
		window: rng.pick<TierConfig['window']>([{ kind: 'rollingMonths', months: rng.int(1, 12) }, { kind: 'calendarYear' }, { kind: 'allTime' }]),
		retentionMonths: rng.pick([0, 0, 1, 3, 6])
	};
}

function randomSale(rng: Rng, id: string, customerId: string, today: string): Sale {
	// Mostly today, sometimes late arrivals from earlier days, rarely a till clock a day ahead.
	const day = addDays(today, rng.chance(0.1) ? 1 : -rng.int(0, rng.chance(0.5) ? 3 : 400));
	const refund = rng.chance(0.15);
	const lines = [makeLine({ itemId: rng.pick(['i1', 'i2', 'i3']), brand: rng.pick(BRANDS), qty: refund ? -1 : rng.int(1, 3), unitPrice: rng.int(100, 3000) })];
	return makeSale(id, customerId, `${day}T${String(rng.int(0, 23)).padStart(2, '0')}:${rng.pick(['01', '59'])}:00Z`, 0, {
		lines, pointsEarned: refund ? 0 : rng.int(0, 60)
	});
}

interface World {
	customers: Map<string, Customer>;
	stats: Map<string, CustomerStats>;
	manual: Map<string, ManualMember[]>;
	groups: Group[];
}

function factsFor(w: World, id: string): CustomerFacts {
	return factsOf(w.customers.get(id)!, w.stats.get(id), w.manual.get(id) ?? []);
}

describe('incremental evaluation equals full evaluation (property)', () => {
	it('over random customers, sales, rules, group changes and days', () => {
		for (let seed = 1; seed <= 40; seed++) {
			const rng = new Rng(seed);
			let today = addDays('2025-06-01', rng.int(0, 300));
			const w: World = { customers: new Map(), stats: new Map(), manual: new Map(), groups: [] };
			for (let i = 0; i < 25; i++) {
				const id = `c${i}`;
				w.customers.set(id, makeCustomer({
					id, birthDate: rng.chance(0.1) ? '' : addDays('1970-01-01', rng.int(0, 14000)),
					gender: rng.pick(['female', 'male', 'other'] as const), tags: rng.chance(0.5) ? [rng.pick(TAGS)] : [],
					registeredAt: `${addDays(today, -rng.int(0, 600))}T${rng.pick(['03', '15'])}:30:00.000Z`,
					cards: rng.chance(0.5) ? ['CARD0001'] : []
				}));
			}
			w.groups.push(manualGroup('m1'), manualGroup('m2'), tieredGroup('tiers', randomTier(rng)), rfmGroup(true));
			for (let g = 0; g < 8; g++) {
				// Mostly references to earlier groups; a later one sometimes closes a cycle.
				const ids = w.groups.map((x) => x.id).concat(rng.chance(0.1) ? [`a${g + 1}`] : []);
				w.groups.push(automaticGroup(`a${g}`, randomRule(rng, ids)));
			}
			let saleNo = 0;
			const ctxOf = (): EvalContext => ({ today, timeZone: TZ, now: `${today}T12:00:00.000Z` });
			let compiled: CompiledGroups = compileGroups(w.groups, ctxOf());
			const allFacts = () => [...w.customers.keys()].map((id) => factsFor(w, id));
			let th: RfmThresholds = rfmThresholds(allFacts(), today);
			const keys = new Map<string, string[]>();
			for (const id of w.customers.keys()) keys.set(id, membershipKeys(compiled, factsFor(w, id), th));

			for (let step = 0; step < 60; step++) {
				const what = rng.int(0, 9);
				const id = `c${rng.int(0, 24)}`;
				if (what <= 3) {
					const s = randomSale(rng, `s${seed}-${saleNo++}`, id, today);
					w.stats.set(id, addSale(w.stats.get(id) ?? emptyStats(id, today), s, today, TZ));
					keys.set(id, membershipKeys(compiled, factsFor(w, id), th));
				} else if (what === 4) {
					const c = w.customers.get(id)!;
					w.customers.set(id, { ...c, tags: rng.chance(0.5) ? [rng.pick(TAGS)] : [], birthDate: rng.chance(0.3) ? addDays(today, -365 * 35) : c.birthDate });
					keys.set(id, membershipKeys(compiled, factsFor(w, id), th));
				} else if (what === 5) {
					const groupId = rng.pick(['m1', 'm2', 'deleted']);
					const rows = (w.manual.get(id) ?? []).filter((m) => m.groupId !== groupId);
					const level = rng.chance(0.3) ? { levelId: rng.pick(['gold', 'platinum']), reason: 'x', until: addDays(today, rng.int(0, 20)), by: 'Sam', at: '' } : null;
					rows.push({ customerId: id, groupId: level ? 'tiers' : groupId, member: rng.chance(0.6), at: '', by: 'Sam', level });
					w.manual.set(id, rows);
					keys.set(id, membershipKeys(compiled, factsFor(w, id), th));
				} else if (what <= 7) {
					// A new day (or several): new thresholds, date-dependent groups for everyone.
					today = addDays(today, rng.int(1, 40));
					compiled = compileGroups(w.groups, ctxOf());
					th = rfmThresholds(allFacts(), today);
					const due = new Set(dateDependentGroups(compiled));
					for (const cid of w.customers.keys()) keys.set(cid, reevaluateKeys(compiled, factsFor(w, cid), th, keys.get(cid)!, due));
				} else {
					// A group edited or deleted: it and its dependants, for everyone.
					const i = rng.int(0, w.groups.length - 1);
					const g = w.groups[i];
					if (g.type !== 'automatic') continue;
					if (rng.chance(0.3)) w.groups.splice(i, 1);
					else w.groups[i] = { ...g, rule: randomRule(rng, w.groups.map((x) => x.id)) };
					compiled = compileGroups(w.groups, ctxOf());
					const due = withDependants(compiled, [g.id]);
					for (const cid of w.customers.keys()) keys.set(cid, reevaluateKeys(compiled, factsFor(w, cid), th, keys.get(cid)!, due));
				}
				for (const cid of w.customers.keys()) {
					const full = membershipKeys(compiled, factsFor(w, cid), th);
					expect(keys.get(cid), `seed ${seed} step ${step} ${cid} on ${today}`).toEqual(full);
				}
			}
		}
	});
});
