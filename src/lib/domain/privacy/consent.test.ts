import { describe, expect, it } from 'vitest';
import {
	consentChanges,
	consentEventsToAdd,
	currentConsents,
	historyAsShown,
	historyNewestFirst,
	resolveConsents,
	uniqueConsentEvents,
	type ConsentEvent
} from './consent';

const ev = (over: Partial<ConsentEvent>): ConsentEvent => ({
	id: 'e1',
	channel: 'email',
	status: 'granted',
	date: '2026-11-01T10:00:00.000Z',
	recordedAt: '2026-11-01T10:00:00.000Z',
	source: 'till',
	by: 'Till 1',
	...over
});

describe('consent history resolution', () => {
	it('the latest event of each channel is the current consent', () => {
		const events = [
			ev({ id: 'a', status: 'granted', date: '2026-10-01T09:00:00.000Z' }),
			ev({ id: 'b', status: 'withdrawn', date: '2026-11-01T09:00:00.000Z', by: 'Back office' }),
			ev({ id: 'c', channel: 'sms', status: 'granted', date: '2026-09-01T09:00:00.000Z' })
		];
		expect(resolveConsents(events)).toEqual({
			email: { status: 'withdrawn', date: '2026-11-01T09:00:00.000Z', source: 'till', recordedBy: 'Back office' },
			sms: { status: 'granted', date: '2026-09-01T09:00:00.000Z', source: 'till', recordedBy: 'Till 1' }
		});
	});

	it('a withdrawal wins over an older grant that arrives later from another tablet, in either order', () => {
		const withdrawal = ev({ id: 'w', status: 'withdrawn', date: '2026-11-02T10:00:00.000Z', by: 'Tablet A' });
		const olderGrant = ev({ id: 'g', status: 'granted', date: '2026-11-02T09:59:00.000Z', recordedAt: '2026-11-03T08:00:00.000Z', by: 'Tablet B' });
		expect(resolveConsents([withdrawal, olderGrant]).email?.status).toBe('withdrawn');
		expect(resolveConsents([olderGrant, withdrawal]).email?.status).toBe('withdrawn');
	});

	it('a grant and a withdrawal made at the same moment on two tablets resolve to the withdrawal everywhere', () => {
		const at = '2026-11-02T10:00:00.000Z';
		const grant = ev({ id: 'zz-grant', status: 'granted', date: at, recordedAt: at });
		const withdrawal = ev({ id: 'aa-withdraw', status: 'withdrawn', date: at, recordedAt: at });
		expect(resolveConsents([grant, withdrawal]).email?.status).toBe('withdrawn');
		expect(resolveConsents([withdrawal, grant]).email?.status).toBe('withdrawn');
	});

	it('a later grant after a withdrawal is honoured (the customer changed their mind)', () => {
		const events = [ev({ id: 'w', status: 'withdrawn', date: '2026-11-01T10:00:00.000Z' }), ev({ id: 'g', date: '2026-11-05T10:00:00.000Z' })];
		expect(resolveConsents(events).email?.status).toBe('granted');
	});

	it('channels without events keep the stored consent; history is newest first', () => {
		const stored = { post: { status: 'granted' as const, date: '2020-01-01T00:00:00.000Z', source: 'import' as const, recordedBy: 'Import' } };
		const events = [ev({ id: 'a', date: '2026-10-01T09:00:00.000Z' }), ev({ id: 'b', status: 'withdrawn', date: '2026-11-01T09:00:00.000Z' })];
		const now = currentConsents(stored, events);
		expect(now.post?.status).toBe('granted');
		expect(now.email?.status).toBe('withdrawn');
		expect(historyNewestFirst(events).map((e) => e.id)).toEqual(['b', 'a']);
	});

	it('a save records one event per changed channel, none for unchanged ones', () => {
		let n = 0;
		const ctx = { now: '2026-11-03T12:00:00.000Z', by: 'Till 2', role: 'staff' as const, newId: () => `id${++n}` };
		const granted = { status: 'granted' as const, date: '2026-11-01T09:00:00.000Z', source: 'till' as const, recordedBy: 'Till 1' };
		const withdrawn = { status: 'withdrawn' as const, date: '2026-11-03T11:59:00.000Z', source: 'back-office' as const, recordedBy: 'Till 2' };
		expect(consentChanges({ email: granted, sms: granted }, { email: withdrawn, sms: granted }, ctx)).toEqual([
			{ id: 'id1', channel: 'email', status: 'withdrawn', date: withdrawn.date, recordedAt: ctx.now, source: 'back-office', by: 'Till 2', role: 'staff' }
		]);
		expect(consentChanges({ email: granted }, { email: granted }, ctx)).toEqual([]);
	});
});

describe('consent history twins (the same change under two ids, e.g. after a merge)', () => {
	const at = '2026-11-01T10:00:00.000Z';
	const twinA = ev({ id: 'b-from-kept', recordedAt: '2026-11-01T10:00:05.000Z' });
	const twinB = ev({ id: 'a-from-other', recordedAt: '2026-11-01T10:00:05.000Z' });

	it('the history shows identical channel, status, moment, source and recorder once, in either order', () => {
		const other = ev({ id: 'c', channel: 'sms', date: at });
		expect(historyNewestFirst([twinA, twinB, other]).map((e) => e.id)).toEqual(['a-from-other', 'c']);
		expect(historyNewestFirst([twinB, other, twinA]).map((e) => e.id)).toEqual(['a-from-other', 'c']);
		// The first recorded is kept.
		const earlier = ev({ id: 'z', recordedAt: '2026-11-01T10:00:01.000Z' });
		expect(uniqueConsentEvents([twinA, earlier]).map((e) => e.id)).toEqual(['z']);
	});

	it('events differing in any one of those are all shown', () => {
		const base = ev({ id: 'base' });
		const variants = [
			ev({ id: 'ch', channel: 'sms' }),
			ev({ id: 'st', status: 'withdrawn' }),
			ev({ id: 'dt', date: '2026-11-01T10:00:01.000Z' }),
			ev({ id: 'so', source: 'online' }),
			ev({ id: 'by', by: 'Till 2' })
		];
		expect(historyNewestFirst([base, ...variants])).toHaveLength(6);
	});

	it('a merge copies only what the kept customer lacks, by id or as a twin, each once', () => {
		const kept = [twinA];
		const withdrawn = { status: 'withdrawn' as const, date: '2026-11-02T10:00:00.000Z' };
		// twinB: a twin of the kept one; twinA: the very same event (a chain of merges); w1/w2: twins of each other.
		const incoming = [twinB, { ...twinA }, ev({ id: 'w1', ...withdrawn }), ev({ id: 'w2', ...withdrawn })];
		expect(consentEventsToAdd(kept, incoming).map((e) => e.id)).toEqual(['w1']);
	});

	it('with twins on both sides, a withdrawal still wins over an older grant from another tablet', () => {
		const withdrawal = ev({ id: 'w', status: 'withdrawn', date: '2026-11-02T10:00:00.000Z', by: 'Tablet A' });
		const withdrawalTwin = { ...withdrawal, id: 'w-copy' };
		const olderGrant = ev({ id: 'g', date: '2026-11-02T09:59:00.000Z', recordedAt: '2026-11-03T08:00:00.000Z', by: 'Tablet B' });
		const history = historyNewestFirst([olderGrant, withdrawalTwin, withdrawal, { ...olderGrant, id: 'g-copy' }]);
		expect(history.map((e) => e.status)).toEqual(['withdrawn', 'granted']);
		expect(resolveConsents(history).email?.status).toBe('withdrawn');
		expect(resolveConsents([olderGrant, withdrawalTwin]).email?.status).toBe('withdrawn');
	});
});

describe('the consent history as the profile shows it', () => {
	it('lists a consent entered before its channel had a history (an import), marked as such, beside the events', () => {
		const sms = { status: 'granted' as const, date: '2026-11-09T09:00:00.000Z', source: 'import' as const, recordedBy: 'import shopify.csv' };
		const email = { status: 'withdrawn' as const, date: '2026-11-20T10:00:00.000Z', source: 'till' as const, recordedBy: 'Till 1' };
		const events = [ev({ id: 'a', channel: 'email', status: 'granted', date: '2026-11-01T10:00:00.000Z' }), ev({ id: 'b', channel: 'email', status: 'withdrawn', date: '2026-11-20T10:00:00.000Z' })];
		const lines = historyAsShown({ sms, email }, events);
		expect(lines.map((l) => [l.channel, l.status, l.date, l.earlier ?? false])).toEqual([
			['email', 'withdrawn', '2026-11-20T10:00:00.000Z', false],
			['sms', 'granted', '2026-11-09T09:00:00.000Z', true],
			['email', 'granted', '2026-11-01T10:00:00.000Z', false]
		]);
		expect(lines[1]).toMatchObject({ source: 'import', by: 'import shopify.csv' });
	});

	it('shows nothing for a customer never asked', () => {
		expect(historyAsShown({}, [])).toEqual([]);
	});
});
