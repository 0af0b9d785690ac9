import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from '$lib/domain/benefits/types';
import type { TillBenefits, TillMember } from '$lib/domain/benefits/till';
import type { Group } from '$lib/domain/groups/types';
import type { ChangeSet } from '$lib/store/docstore';
import { TillFeed, touchesBenefits, touchesMember, type TillParts, type TillSources } from './till-feed';

/** A promise the test resolves when it chooses: answers can arrive in any order. */
function deferred<T>() {
	let resolve!: (v: T) => void;
	const promise = new Promise<T>((r) => (resolve = r));
	return { promise, resolve };
}

function fakeSources() {
	const listeners: ((c: ChangeSet) => void)[] = [];
	const pending = { snapshot: [] as ReturnType<typeof deferred<TillBenefits>>[], groups: [] as ReturnType<typeof deferred<Group[]>>[], member: [] as { id: string; d: ReturnType<typeof deferred<TillMember>> }[] };
	const sources: TillSources = {
		snapshot: () => {
			const d = deferred<TillBenefits>();
			pending.snapshot.push(d);
			return d.promise;
		},
		groups: () => {
			const d = deferred<Group[]>();
			pending.groups.push(d);
			return d.promise;
		},
		member: (id) => {
			const d = deferred<TillMember>();
			pending.member.push({ id, d });
			return d.promise;
		},
		subscribe: (l) => {
			listeners.push(l);
			return () => listeners.splice(listeners.indexOf(l), 1);
		}
	};
	return { sources, pending, emit: (c: ChangeSet) => listeners.forEach((l) => l(c)), listeners };
}

const snap = (n: number): TillBenefits => ({ benefits: [], coupons: [], policy: DEFAULT_POLICY, policyNeedsUpdate: n > 1 });
const member = (id: string, keys: string[]): TillMember => ({ customerId: id, keys, couponUses: {}, history: [] });
const tick = () => new Promise((r) => setTimeout(r, 0));

function feed() {
	const f = fakeSources();
	const parts: TillParts = { benefits: null, groups: null, member: null };
	const errors: unknown[] = [];
	const tf = new TillFeed(f.sources, (p) => Object.assign(parts, p), (e) => errors.push(e));
	return { ...f, parts, errors, tf };
}

describe('TillFeed', () => {
	it('fills each part only when its answer is complete', async () => {
		const { tf, pending, parts } = feed();
		tf.start();
		expect(parts).toEqual({ benefits: null, groups: null, member: null });
		pending.snapshot[0].resolve(snap(1));
		await tick();
		expect(parts.benefits).toEqual(snap(1));
		expect(parts.groups).toBeNull();
		pending.groups[0].resolve([]);
		await tick();
		expect(parts.groups).toEqual([]);
	});

	it('a new customer empties the member part until their memberships are read; a late answer for the previous one is dropped', async () => {
		const { tf, pending, parts } = feed();
		tf.start();
		void tf.setCustomer('ann');
		void tf.setCustomer('bob');
		expect(parts.member).toBeNull();
		const [ann, bob] = pending.member;
		expect([ann.id, bob.id]).toEqual(['ann', 'bob']);
		bob.d.resolve(member('bob', ['trade']));
		await tick();
		ann.d.resolve(member('ann', ['club/gold']));
		await tick();
		expect(parts.member).toEqual(member('bob', ['trade']));
	});

	it('re-reads the customer when their memberships or a sale change, and benefits when benefits change', async () => {
		const { tf, pending, parts, emit } = feed();
		tf.start();
		void tf.setCustomer('ann');
		pending.member[0].d.resolve(member('ann', ['club/standard']));
		await tick();
		emit({ memberships: ['someone-else'] });
		expect(pending.member).toHaveLength(1);
		emit({ memberships: ['ann'] });
		expect(pending.member).toHaveLength(2);
		// Until the fresh answer arrives the till keeps pricing with the complete previous one.
		expect(parts.member?.keys).toEqual(['club/standard']);
		pending.member[1].d.resolve(member('ann', ['club/gold']));
		await tick();
		expect(parts.member?.keys).toEqual(['club/gold']);
		emit({ sales: ['s1'] });
		expect(pending.member).toHaveLength(3);
		emit({ benefits: ['b1'] });
		expect(pending.snapshot).toHaveLength(2);
	});

	it('stops following: no more reads, late answers dropped', async () => {
		const { tf, pending, parts, emit, listeners } = feed();
		const stop = tf.start();
		stop();
		expect(listeners).toHaveLength(0);
		pending.snapshot[0].resolve(snap(1));
		await tick();
		expect(parts.benefits).toBeNull();
		emit({ benefits: ['x'] });
		expect(pending.snapshot).toHaveLength(1);
	});

	it('reports a failed read', async () => {
		const { tf, pending, errors } = feed();
		tf.start();
		pending.groups[0].promise.catch(() => {});
		(pending.groups[0] as unknown as { resolve: (v: unknown) => void }).resolve(Promise.reject(new Error('disk')));
		await tick();
		await tick();
		expect(errors).toHaveLength(1);
	});
});

describe('which changes matter', () => {
	it('benefits, coupons and the policy; the customer’s memberships and sales', () => {
		expect(touchesBenefits({ coupons: ['c'] })).toBe(true);
		expect(touchesBenefits({ customers: ['c'] })).toBe(false);
		expect(touchesMember({ manualMembers: ['ann/vip'] }, 'ann')).toBe(true);
		expect(touchesMember({ manualMembers: ['bob/vip'] }, 'ann')).toBe(false);
		expect(touchesMember({ groups: ['g'] }, 'ann')).toBe(true);
	});
});
