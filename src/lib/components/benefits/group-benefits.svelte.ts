// A group's benefits as its page shows them, kept live (a benefit saved on another tablet shows up
// as soon as it syncs), the item catalogue a price book picks from, and "Try a cart": the till's
// own pricing run on a chosen customer and items, writing nothing.
import type { BenefitCheck, BenefitService, BenefitWriteResult, StoredRecord } from '$lib/benefits/api';
import { allowances, type Allowance } from '$lib/domain/benefits/allowance';
import { priceWithBenefits } from '$lib/domain/benefits/price';
import type { Benefit, BenefitPolicy, BenefitPricing } from '$lib/domain/benefits/types';
import { catalogueOf, type BenefitDraft, type Catalogue } from '$lib/domain/benefits/validate';
import type { Group, MembershipKey } from '$lib/domain/groups/types';
import type { Item } from '$lib/domain/sales/types';
import type { ChangeSet } from '$lib/store/docstore';
import { shop } from '$lib/state/shop.svelte';
import { followGroups } from '$lib/state/groups.svelte';
import { followBenefits } from '$lib/state/benefits.svelte';

/** The benefits data layer (issue 9), behind its contract. */
function service(): BenefitService {
	return shop.benefits;
}

function touchesItems(changes: ChangeSet): boolean {
	return Object.keys(changes).some((k) => /^items?(:|$)/.test(k));
}

export class GroupBenefits {
	stored = $state.raw<StoredRecord<Benefit>[]>([]);
	items = $state.raw<Item[]>([]);
	policy = $state.raw<{ policy: BenefitPolicy; needsUpdate: boolean } | null>(null);
	loaded = $state(false);
	error = $state<string | null>(null);

	readonly catalogue: Catalogue = $derived(catalogueOf(this.items));
	readonly #names: Map<string, string> = $derived(new Map(this.items.map((i) => [i.id, i.name])));
	readonly itemName = (id: string): string | undefined => this.#names.get(id);

	/** Follows one group's benefits and the catalogue; returns stop (for $effect). */
	follow(groupId: string): () => void {
		this.loaded = false;
		const onError = (message: string) => (this.error = message);
		const stopBenefits = followBenefits(
			() => Promise.all([service().ofGroup(groupId), service().policy()]),
			([stored, policy]) => {
				this.stored = stored;
				this.policy = policy;
				this.loaded = true;
				this.error = null;
			},
			onError
		);
		const stopItems = followGroups(
			() => shop.items.all(),
			(items) => (this.items = items),
			onError,
			touchesItems
		);
		return () => {
			stopBenefits();
			stopItems();
		};
	}

	check(draft: BenefitDraft, id?: string): Promise<BenefitCheck> {
		return service().check(draft, id);
	}

	save(draft: BenefitDraft, id?: string): Promise<BenefitWriteResult> {
		return service().save(draft, id);
	}

	remove(id: string): Promise<BenefitWriteResult> {
		return service().remove(id);
	}

	searchItems(q: string): Promise<Item[]> {
		return shop.items.search(q, 20);
	}
}

export interface TryLine {
	item: Item;
	qty: number;
}

/**
 * The cart as the till would price it now for this customer: their membership keys as derived on
 * this tablet, the stored benefits, coupons and policy, today in the shop's zone. Nothing is
 * written: no sale, no points, no coupon use.
 */
export interface TriedCart {
	pricing: BenefitPricing;
	keys: MembershipKey[];
	/** What is left of each redemption limit this period, in the order of `pricing.perks.limits`. */
	allowances: Allowance[];
	policyNeedsUpdate: boolean;
}

export async function tryCart(customerId: string, lines: readonly TryLine[], groups: readonly Group[], codes: readonly string[] = []): Promise<TriedCart> {
	const [snapshot, membership, couponUses, history] = await Promise.all([
		service().snapshot(),
		shop.db.memberships.get(customerId),
		service().couponUses(customerId),
		service().redemptionHistory(customerId)
	]);
	const keys = membership?.keys ?? [];
	const pricing = priceWithBenefits({
		lines: lines.map((l) => ({ item: { id: l.item.id, name: l.item.name, brand: l.item.brand, category: l.item.category, price: l.item.price }, qty: l.qty })),
		customer: { keys, couponUses },
		groups,
		benefits: snapshot.benefits,
		policy: snapshot.policy,
		coupons: snapshot.coupons,
		codes,
		today: shop.today,
		currency: shop.settings.currency
	});
	const left = allowances(pricing.perks, history, Date.now(), shop.settings.timeZone).all;
	return { pricing, keys, allowances: left, policyNeedsUpdate: snapshot.policyNeedsUpdate };
}

/** The customer's points balance, for the customer search. */
export async function pointsOf(customerId: string): Promise<number> {
	return (await shop.sales.stats(customerId))?.pointsBalance ?? 0;
}

export function searchCustomers(q: string) {
	return shop.customers.search(q, 20);
}

export function findItemByCode(code: string) {
	return shop.items.findByCode(code);
}
