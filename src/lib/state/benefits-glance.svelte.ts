// A customer's effective benefits at a glance, for the profile (one customer, with the redemption
// allowance left) and the customer list (a short summary per visible row, memoised by the row's
// membership keys: 100,000 customers share a handful of key combinations). Same data and rules
// as the till, read through the same feed.
import { untrack } from 'svelte';
import { benefitsGlance, glanceSummary, type BenefitsGlance } from '$lib/domain/benefits/glance';
import { lazySources, TillFeed, type TillParts, type TillSources } from './till-feed';
import { shopTillSources } from './till-sources';
import { shop } from './shop.svelte';
import { describeError } from './errors';

export class BenefitsGlanceState {
	#parts = $state.raw<TillParts>({ benefits: null, groups: null, member: null });
	error = $state<string | null>(null);
	#feed: TillFeed;
	#memo = new Map<string, string>();

	constructor(sources: () => TillSources = shopTillSources) {
		this.#feed = new TillFeed(
			lazySources(sources),
			(parts) => {
				this.#parts = { ...this.#parts, ...parts };
				if (parts.benefits || parts.groups) this.#memo = new Map();
				this.error = null;
			},
			(err) => (this.error = describeError(err))
		);
	}

	/** Follows the benefits, and with a customer id that customer's memberships and history; returns stop. */
	follow(customerId: string | null = null): () => void {
		// Called from an effect: what it reads while starting must not make the effect depend on it.
		const stop = untrack(() => {
			const stop = this.#feed.start();
			void this.#feed.setCustomer(customerId);
			return stop;
		});
		return () => {
			stop();
			void this.#feed.setCustomer(null);
		};
	}

	get ready(): boolean {
		return !!this.#parts.benefits && !!this.#parts.groups;
	}

	/** The followed customer's benefits (null until everything is read). */
	readonly customer: BenefitsGlance | null = $derived.by(() => {
		const { benefits, groups, member } = this.#parts;
		if (!benefits || !groups || !member) return null;
		void shop.today; // the allowance's period rolls with the shop's day
		return benefitsGlance({
			keys: member.keys,
			groups,
			benefits: benefits.benefits,
			policy: benefits.policy,
			currency: shop.settings.currency,
			history: member.history,
			now: Date.now(),
			timeZone: shop.settings.timeZone
		});
	});

	/** The list's short summary for a row's membership keys (computed once per key combination). */
	summary(keys: readonly string[] | undefined): string {
		const { benefits, groups } = this.#parts;
		if (!benefits || !groups) return '';
		const k = (keys ?? []).join('|');
		let s = this.#memo.get(k);
		if (s === undefined) {
			s = glanceSummary(benefitsGlance({ keys: keys ?? [], groups, benefits: benefits.benefits, policy: benefits.policy, currency: shop.settings.currency }));
			this.#memo.set(k, s);
		}
		return s;
	}
}
