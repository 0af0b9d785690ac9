// What the till prices with, loaded asynchronously and kept current: the shop's benefits
// snapshot, the group definitions, and the attached customer's memberships, coupon uses and
// redemption history. Each part is replaced whole when its fresh copy arrives (answers that come
// back out of order are dropped), so the cart's derived price only ever sees complete parts; a
// part still loading is null and the till says so instead of pricing without it.
import type { Group } from '$lib/domain/groups/types';
import type { TillBenefits, TillMember } from '$lib/domain/benefits/till';
import type { ChangeSet } from '$lib/store/docstore';
import { touchesBenefitData } from '$lib/benefits/projection';

export interface TillSources {
	snapshot(): Promise<TillBenefits>;
	groups(): Promise<Group[]>;
	member(customerId: string): Promise<TillMember>;
	/** Every flush and derivation; returns unsubscribe. */
	subscribe(listener: (changes: ChangeSet) => void): () => void;
}

export interface TillParts {
	benefits: TillBenefits | null;
	groups: Group[] | null;
	member: TillMember | null;
}

const has = (changes: ChangeSet, re: RegExp) => Object.keys(changes).some((k) => re.test(k) && (changes[k]?.length ?? 0) > 0);

/** Benefits, coupons or the policy changed (here or on another tablet). */
export const touchesBenefits = touchesBenefitData;
/** Group definitions changed, or everyone's memberships were re-evaluated. */
export const touchesGroupDefinitions = (c: ChangeSet) => has(c, /^groups?(:|$)/) || has(c, /^memberships:all$/);
/** This customer's memberships, manual groups or sales (redemptions, coupon uses) may have changed. */
export function touchesMember(c: ChangeSet, customerId: string): boolean {
	return (
		touchesGroupDefinitions(c) ||
		!!c.memberships?.includes(customerId) ||
		!!c.manualMembers?.some((pair) => pair.startsWith(`${customerId}/`)) ||
		// Sale ids say nothing of whose they are; re-reading one customer's few rows is cheaper than finding out.
		!!c.sales?.length
	);
}

/**
 * Sources read through `get` at each call, not once: the shop's services exist only after it
 * started, while the states that feed from them are created when their module loads.
 */
export function lazySources(get: () => TillSources): TillSources {
	return {
		snapshot: () => get().snapshot(),
		groups: () => get().groups(),
		member: (id) => get().member(id),
		subscribe: (listener) => get().subscribe(listener)
	};
}

export class TillFeed {
	#sources: TillSources;
	#apply: (parts: Partial<TillParts>) => void;
	#onError: (err: unknown) => void;
	#customerId: string | null = null;
	#seq = { benefits: 0, groups: 0, member: 0 };
	#stop: (() => void) | null = null;

	constructor(sources: TillSources, apply: (parts: Partial<TillParts>) => void, onError: (err: unknown) => void) {
		this.#sources = sources;
		this.#apply = apply;
		this.#onError = onError;
	}

	/** Loads everything and follows changes until the returned function is called. */
	start(): () => void {
		this.#stop?.();
		const unsubscribe = this.#sources.subscribe((changes) => {
			const jobs: Promise<void>[] = [];
			if (touchesBenefits(changes)) jobs.push(this.#load('benefits'));
			if (touchesGroupDefinitions(changes)) jobs.push(this.#load('groups'));
			if (this.#customerId && touchesMember(changes, this.#customerId)) jobs.push(this.#load('member'));
			void Promise.all(jobs);
		});
		void this.refresh();
		this.#stop = () => {
			unsubscribe();
			// Answers still on their way are dropped.
			this.#seq.benefits++;
			this.#seq.groups++;
			this.#seq.member++;
			this.#stop = null;
		};
		return this.#stop;
	}

	/** The customer whose memberships to follow; their part is null until it is read. */
	setCustomer(customerId: string | null): Promise<void> {
		if (customerId === this.#customerId) return Promise.resolve();
		this.#customerId = customerId;
		this.#seq.member++;
		this.#apply({ member: null });
		return customerId ? this.#load('member') : Promise.resolve();
	}

	/** Reads every part again (before "Paid": memberships as they are at this moment). */
	async refresh(): Promise<void> {
		await Promise.all([this.#load('benefits'), this.#load('groups'), this.#customerId ? this.#load('member') : undefined]);
	}

	async #load(part: keyof TillParts): Promise<void> {
		const mine = ++this.#seq[part];
		const customerId = this.#customerId;
		try {
			const value =
				part === 'benefits'
					? await this.#sources.snapshot()
					: part === 'groups'
						? await this.#sources.groups()
						: customerId
							? await this.#sources.member(customerId)
							: null;
			if (mine === this.#seq[part]) this.#apply({ [part]: value });
		} catch (err) {
			if (mine === this.#seq[part]) this.#onError(err);
		}
	}
}
