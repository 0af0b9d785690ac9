import { describe, expect, it } from 'vitest';
import { emptyDraft, type Customer } from './customer';
import { checkMerge, combinedNotes, defaultChoices, lateEdits, latestConsents, mergedDraft, resolveSurvivors } from './merge';
import { messageFor } from './errors';

function c(id: string, over: Partial<Customer> = {}): Customer {
	return { ...emptyDraft('2026-01-01T00:00:00.000Z'), id, updatedAt: '2026-01-01T00:00:00.000Z', ...over };
}

const consent = (status: 'granted' | 'withdrawn', date: string) => ({ status, date, source: 'till' as const, recordedBy: 'Till' });

describe('merge of two customers', () => {
	it('defaults each field to the non-empty value, then to the most recently changed customer', () => {
		const kept = c('k', { firstName: 'Jon', lastName: 'Smith', email: '', phone: '+447700900001', updatedAt: '2026-02-01T00:00:00.000Z' });
		const other = c('o', { firstName: 'John', lastName: 'Smith', email: 'john@example.com', phone: '+447700900002', updatedAt: '2026-03-01T00:00:00.000Z' });
		const d = defaultChoices(kept, other);
		expect(d.email).toBe('other');
		expect(d.firstName).toBe('other');
		expect(d.phone).toBe('other');
		expect(d.lastName).toBe('kept');
		expect(defaultChoices(kept, { ...other, updatedAt: '2026-01-15T00:00:00.000Z' }).firstName).toBe('kept');
	});

	it('takes chosen fields, both cards and tags, the latest consent per channel, both notes, the earlier registration', () => {
		const kept = c('k', {
			firstName: 'Jon',
			cards: ['111111'],
			tags: ['vip'],
			notes: 'Likes blue',
			registeredAt: '2025-05-01T00:00:00.000Z',
			consents: { email: consent('granted', '2026-01-01T00:00:00.000Z'), sms: consent('withdrawn', '2026-03-01T00:00:00.000Z') }
		});
		const other = c('o', {
			firstName: 'John',
			cards: ['222222', '111111'],
			tags: ['VIP', 'trade'],
			notes: 'Allergic to wool',
			registeredAt: '2024-01-01T00:00:00.000Z',
			consents: { email: consent('withdrawn', '2026-02-01T00:00:00.000Z'), sms: consent('granted', '2026-01-01T00:00:00.000Z'), post: consent('granted', '2025-01-01T00:00:00.000Z') }
		});
		const choices = { ...defaultChoices(kept, other), firstName: 'other' as const };
		const d = mergedDraft(kept, other, choices);
		expect(d.firstName).toBe('John');
		expect(d.cards).toEqual(['111111', '222222']);
		expect(d.tags).toEqual(['vip', 'trade']);
		expect(d.notes).toBe('Likes blue\n\nAllergic to wool');
		expect(d.registeredAt).toBe('2024-01-01T00:00:00.000Z');
		expect(d.consents.email?.status).toBe('withdrawn');
		expect(d.consents.sms?.status).toBe('withdrawn');
		expect(d.consents.post?.status).toBe('granted');
	});

	it('keeps one copy of the same note and either note alone', () => {
		expect(combinedNotes('Same', 'Same')).toBe('Same');
		expect(combinedNotes('', 'Only other')).toBe('Only other');
		expect(combinedNotes('Only kept', '')).toBe('Only kept');
		expect(latestConsents({}, {})).toEqual({});
	});

	it('refuses a merge with self, with a merged-away, a deleted or an erased customer, with a message', () => {
		const live = (id: string) => ({ id, customer: c(id), name: `Name ${id}` });
		const self = checkMerge(live('a'), live('a'));
		expect(self.map((e) => e.code)).toEqual(['merge-self']);
		expect(messageFor(self[0])).toMatch(/themself/);
		const merged = checkMerge(live('a'), { id: 'b', customer: undefined, name: 'Bea', mergedInto: { id: 'c', name: 'Cat' } });
		expect(merged.map((e) => e.code)).toEqual(['merge-already-merged']);
		expect(messageFor(merged[0])).toBe('Bea was already merged into Cat: merge with that customer instead');
		expect(checkMerge({ id: 'a', customer: undefined, name: 'Al' }, live('b')).map((e) => e.code)).toEqual(['merge-customer-gone']);
		expect(checkMerge(live('a'), { ...live('b'), erased: true }).map((e) => e.code)).toEqual(['merge-erased']);
		expect(checkMerge(live('a'), live('b'))).toEqual([]);
		const bad = checkMerge(live('a'), live('b'), { firstName: 'kept' });
		expect(bad.length).toBeGreaterThan(0);
		expect(bad.every((e) => e.code === 'merge-choice-invalid')).toBe(true);
	});
});

describe('edits of a merged-away customer made after the merge', () => {
	const mark = { into: 'k', at: '2026-11-23T11:00:00.000Z', by: 'Till A', taken: ['email' as const] };
	const survivor = c('k', { email: 'old@example.com', lastName: 'Smith' });
	const late = (at: string, v: unknown) => ({ v, at });

	it('forwards a later edit of a field taken from it, unless the survivor changed that field since', () => {
		const edits = new Map([
			['email', late('2026-11-23T11:05:00.000Z', 'new@example.com')],
			['lastName', late('2026-11-23T11:05:00.000Z', 'Smyth')],
			['phone', late('2026-11-23T10:00:00.000Z', '+447700900001')]
		]);
		expect(lateEdits(mark, edits, survivor, new Map())).toEqual([{ field: 'email', v: 'new@example.com', at: '2026-11-23T11:05:00.000Z' }]);
		expect(lateEdits(mark, edits, survivor, new Map([['email', { at: '2026-11-23T11:06:00.000Z' }]]))).toEqual([]);
		expect(lateEdits(mark, edits, { ...survivor, email: 'new@example.com' }, new Map())).toEqual([]);
	});

	it('forwards a consent when it is the most recent for its channel', () => {
		const withdrawn = consent('withdrawn', '2026-11-23T11:05:00.000Z');
		const r = lateEdits(mark, new Map([['consents', late('2026-11-23T11:05:00.000Z', { email: withdrawn })]]), { ...survivor, consents: { email: consent('granted', '2026-11-01T00:00:00.000Z') } }, new Map());
		expect(r).toEqual([{ field: 'consents', v: { email: withdrawn }, at: '2026-11-23T11:05:00.000Z' }]);
		const older = lateEdits(mark, new Map([['consents', late('2026-11-23T11:05:00.000Z', { email: consent('granted', '2026-10-01T00:00:00.000Z') })]]), { ...survivor, consents: { email: withdrawn } }, new Map());
		expect(older).toEqual([]);
	});
});

describe('redirect resolution', () => {
	it('follows chains to the survivor', () => {
		const r = resolveSurvivors(new Map([['a', 'b'], ['b', 'c'], ['d', 'c']]));
		expect(Object.fromEntries(r)).toEqual({ a: 'c', b: 'c', c: 'c', d: 'c' });
	});

	it('concurrent opposite merges (a cycle) keep the lowest id, whatever the order of the marks', () => {
		const one = resolveSurvivors(new Map([['m', 'k'], ['k', 'm']]));
		const two = resolveSurvivors(new Map([['k', 'm'], ['m', 'k']]));
		expect(Object.fromEntries(one)).toEqual({ k: 'k', m: 'k' });
		expect(Object.fromEntries(two)).toEqual(Object.fromEntries(one));
	});

	it('a longer cycle with a tail converges on the cycle\'s lowest id', () => {
		const marks: [string, string][] = [['z', 'q'], ['q', 'r'], ['r', 's'], ['s', 'q'], ['t', 'z']];
		const expected = { q: 'q', r: 'q', s: 'q', t: 'q', z: 'q' };
		expect(Object.fromEntries(resolveSurvivors(new Map(marks)))).toEqual(expected);
		expect(Object.fromEntries(resolveSurvivors(new Map([...marks].reverse())))).toEqual(expected);
		expect(Object.fromEntries(resolveSurvivors(new Map([['x', 'x']])))).toEqual({ x: 'x' });
	});
});
