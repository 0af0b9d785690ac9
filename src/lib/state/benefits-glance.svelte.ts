// A customer's effective benefits at a glance, for the profile (one customer, with the redemption
// allowance left) and the customer list (a short summary per visible row, memoised by the row's
// membership keys: 100,000 customers share a handful of key combinations). Same data and rules
// as the till, read through the same feed.
import { untrack } from 'svelte';
import { allowances } from '$lib/domain/benefits/allowance';
import { benefitsGlance, glanceSummary, type BenefitsGlance } from '$lib/domain/benefits/glance';
import { lazySources, TillFeed, type TillParts, type TillSources } from './till-feed';
import { shopTillSources } from './till-sources';
import { shop } from './shop.svelte';
import { describeError } from './errors';

export class BenefitsGlanceState {
	#parts = $state.raw<TillParts>({ benefits: null, groups: null, member: null });
	error = $state<string | null>(null);
	#feed: TillFeed;
	#sources: TillSources;
	#memo = new Map<string, BenefitsGlance>();
	/** The list's rows: customer id → what is left of their tightest redemption limit ('380 left this week'). */
	#left = $state.raw(new Map<string, string>());
	#asked = new Set<string>();
	#generation = 0;

	constructor(sources: () => TillSources = shopTillSources) {
		this.#sources = lazySources(sources);
		this.#feed = new TillFeed(
			this.#sources,
			(parts) => {
				this.#parts = { ...this.#parts, ...parts };
				if (parts.benefits || parts.groups) {
					this.#memo = new Map();
					this.#forgetAllowances();
				}
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
		// A sale or a points adjustment anywhere may change what a listed customer has left.
		const unsubscribe = this.#sources.subscribe((changes) => {
			if (changes.sales?.length || changes.points?.length) this.#forgetAllowances();
		});
		return () => {
			unsubscribe();
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

	/**
	 * The list's short summary for a row: computed once per key combination; with the row's
	 * customer id, a redemption limit also says what is left of it this period, read for the rows
	 * shown only (after the row first renders, then kept until a sale or the benefits change).
	 */
	summary(keys: readonly string[] | undefined, customerId?: string): string {
		const { benefits, groups } = this.#parts;
		if (!benefits || !groups) return '';
		const k = (keys ?? []).join('|');
		let glance = this.#memo.get(k);
		if (glance === undefined) {
			glance = benefitsGlance({ keys: keys ?? [], groups, benefits: benefits.benefits, policy: benefits.policy, currency: shop.settings.currency });
			this.#memo.set(k, glance);
		}
		const text = glanceSummary(glance);
		if (!customerId || !glance.perks.loyaltyEnabled || glance.perks.limits.length === 0) return text;
		const left = this.#left.get(customerId);
		if (left === undefined) this.#askAllowance(customerId, glance);
		return left ? `${text} (${left})` : text;
	}

	#askAllowance(customerId: string, glance: BenefitsGlance): void {
		if (this.#asked.has(customerId)) return;
		this.#asked.add(customerId);
		const generation = this.#generation;
		// Never written while the row renders: the answer arrives as a later change of #left.
		void this.#sources.member(customerId).then(
			(member) => {
				if (generation !== this.#generation) return;
				const a = allowances(glance.perks, member.history, Date.now(), shop.settings.timeZone).tightest;
				const period = { day: 'today', week: 'this week', month: 'this month' }[a?.limit.period ?? 'day'];
				this.#left = new Map(this.#left).set(customerId, a ? `${a.remaining.toLocaleString()} left ${period}` : '');
			},
			() => this.#asked.delete(customerId)
		);
	}

	#forgetAllowances(): void {
		this.#generation++;
		this.#asked.clear();
		if (this.#left.size) this.#left = new Map();
	}
}
