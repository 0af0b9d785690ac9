// The till's cart: the sale being rung up. One shared instance, so going to Customers and back
// keeps the basket; reset() after "Paid" (and in tests). Pricing is derived: every change of
// lines, customer, balance, coupons, removals, the customer's memberships or the shop's benefits
// re-prices the whole cart with the domain's priceTill (group benefits, then priceCart).
import { untrack } from 'svelte';
import * as carts from '$lib/domain/sales/cart';
import type { Cart, PricedCart } from '$lib/domain/sales/cart';
import { priceTill, type TillPricing } from '$lib/domain/benefits/till';
import { withCode } from '$lib/domain/benefits/coupons';
import type { DiscountRemoval } from '$lib/domain/benefits/types';
import { lazySources, TillFeed, type TillParts, type TillSources } from './till-feed';
import { shopTillSources } from './till-sources';
import { describeError } from './errors';
import { DEFAULT_LOYALTY, type Item, type LoyaltySettings } from '$lib/domain/sales/types';
import type { Customer } from '$lib/domain/customer';
import type { FieldError } from '$lib/domain/errors';
import { parseMoney } from '$lib/domain/sales/items';
import { shop } from './shop.svelte';
import { balanceOf, tillStamp } from '$lib/state/till';
import { rememberRecorded } from '$lib/state/recorded';

export type PayMethod = 'card' | 'cash';

export class CartState {
	#cart = $state<Cart>(carts.EMPTY_CART);
	// The items as they were when added: a price edited elsewhere mid-sale does not jump under the cashier.
	#items = $state<Map<string, Item>>(new Map());
	customer = $state<Customer | null>(null);
	/** The attached customer's points balance (refreshed by the page when stats change). */
	balance = $state(0);
	/** The shop's loyalty rules (replicated settings); the defaults until they are loaded. */
	readonly loyalty: LoyaltySettings = $derived(shop.settings.loyalty ?? DEFAULT_LOYALTY);
	currency = $state('GBP');
	method = $state<PayMethod>('card');
	/** Cash tendered, as typed. */
	tendered = $state('');

	/** Coupon codes entered (normalised, each once). */
	codes = $state<string[]>([]);
	/** Group discounts the cashier took off, with their reasons (itemId null: the whole sale). */
	removals = $state<DiscountRemoval[]>([]);
	/** A part of the pricing data could not be read. */
	feedError = $state<string | null>(null);
	#parts = $state.raw<TillParts>({ benefits: null, groups: null, member: null });
	#feed: TillFeed;

	constructor(sources: () => TillSources = shopTillSources) {
		this.#feed = new TillFeed(
			lazySources(sources),
			(parts) => {
				this.#parts = { ...this.#parts, ...parts };
				this.feedError = null;
			},
			(err) => (this.feedError = describeError(err))
		);
	}

	/** Moves with the date and the data: the allowance's period is read at each re-pricing. */
	#now = $derived.by(() => {
		void shop.today;
		void this.#parts;
		void this.#cart;
		return Date.now();
	});

	/** Everything the price came from, re-derived whenever any of it changes. */
	readonly pricing: TillPricing = $derived(
		priceTill({
			cart: this.#cart,
			items: this.#items,
			loyalty: this.loyalty,
			balance: this.balance,
			currency: this.currency,
			...this.#parts,
			codes: this.codes,
			removals: this.removals,
			today: shop.today,
			now: this.#now,
			timeZone: shop.settings.timeZone
		})
	);

	readonly priced: PricedCart = $derived(this.pricing.priced);

	/** Loads and follows what the till prices with (the till page calls it; returns stop). */
	follow(): () => void {
		// Called from an effect: what it reads while starting must not make the effect depend on it.
		return untrack(() => {
			const stop = this.#feed.start();
			void this.#feed.setCustomer(this.customer?.id ?? null);
			return stop;
		});
	}

	get policyNeedsUpdate(): boolean {
		return this.#parts.benefits?.policyNeedsUpdate ?? false;
	}

	/** Adds a coupon code (normalised; the same code twice is kept once). */
	addCode(code: string): void {
		this.codes = withCode(this.codes, code);
	}

	removeCode(code: string): void {
		this.codes = this.codes.filter((c) => c !== code);
	}

	/** Takes the group discount off a line (itemId) or the whole sale (null). A reason is required. */
	removeDiscount(itemId: string | null, reason: string): boolean {
		const r = reason.trim();
		if (r === '') return false;
		this.removals = [...this.removals.filter((x) => x.itemId !== itemId), { itemId, reason: r }];
		return true;
	}

	restoreDiscount(itemId: string | null): void {
		this.removals = this.removals.filter((x) => x.itemId !== itemId);
	}

	removalOf(itemId: string | null): DiscountRemoval | undefined {
		return this.removals.find((x) => x.itemId === itemId);
	}

	get cart(): Cart {
		return this.#cart;
	}

	get lines() {
		return this.#cart.lines;
	}

	get isEmpty(): boolean {
		return this.#cart.lines.length === 0;
	}

	item(id: string): Item | undefined {
		return this.#items.get(id);
	}

	add(item: Item, qty = 1): void {
		if (!this.#items.has(item.id)) this.#items = new Map(this.#items).set(item.id, item);
		this.#cart = carts.addItem(this.#cart, item, qty);
	}

	setQty(lineIndex: number, qty: number): void {
		this.#cart = carts.setQty(this.#cart, lineIndex, qty);
	}

	remove(lineIndex: number): void {
		const itemId = this.#cart.lines[lineIndex]?.itemId;
		this.#cart = carts.removeLine(this.#cart, lineIndex);
		if (itemId && !this.#cart.lines.some((l) => l.itemId === itemId)) this.restoreDiscount(itemId);
	}

	setPoints(lineIndex: number, points: number): void {
		this.#cart = carts.setPoints(this.#cart, lineIndex, points);
	}

	attach(customer: Customer, balance: number): void {
		// Removals were about the previous customer's discounts.
		if (this.customer?.id !== customer.id) this.removals = [];
		this.#cart = carts.setCustomer(this.#cart, customer.id);
		this.customer = customer;
		this.balance = balance;
		void this.#feed.setCustomer(customer.id);
	}

	detach(): void {
		this.#cart = carts.setCustomer(this.#cart, null);
		this.customer = null;
		this.balance = 0;
		this.removals = [];
		void this.#feed.setCustomer(null);
	}

	/** The attached customer's balance again (another tablet may have spent or earned points). */
	async refreshBalance(): Promise<void> {
		const id = this.customer?.id;
		if (!id) return;
		const balance = await balanceOf(id);
		if (this.customer?.id === id) this.balance = balance;
	}

	/**
	 * "Paid": finalises and records the sale, then empties the cart. Refusals write nothing and
	 * come back as error codes for the till to show.
	 */
	async pay(): Promise<{ ok: true; saleId: string } | { ok: false; errors: FieldError[] }> {
		// The balance, memberships and benefits as they are at this moment (another tablet may have moved them).
		await Promise.all([this.refreshBalance(), this.#feed.refresh()]);
		const { priced, benefits } = this.pricing;
		const payments = [];
		if (priced.total > 0 && this.method === 'card') payments.push({ method: 'card' as const, amount: priced.total });
		if (priced.total > 0 && this.method === 'cash') {
			// Nothing typed: the customer handed over the exact amount.
			const cash = this.tendered.trim() === '' ? priced.total : parseMoney(this.tendered, this.currency);
			if (cash === null) return { ok: false, errors: [{ field: 'payments', code: 'money-unreadable', params: { value: this.tendered } }] };
			payments.push({ method: 'cash' as const, amount: cash });
		}
		if (priced.errors.length > 0 || this.isEmpty) {
			return { ok: false, errors: this.isEmpty ? [{ field: 'lines', code: 'cart-empty' }] : priced.errors };
		}
		const result = carts.finaliseSale(this.#cart, priced, {
			...(await tillStamp()),
			currency: this.currency,
			payments,
			benefits: benefits ? { pricing: benefits, removals: this.removals } : undefined
		});
		if (!result.ok) return result;
		const recorded = await shop.sales.record(result.sale);
		if (!recorded.ok) return recorded;
		// The receipt shows the customer as they now are: statistics, points and group memberships
		// (a sale crossing a tier threshold moves them to Gold before the receipt appears).
		await shop.derive.settled();
		rememberRecorded(recorded.sale, this.customer);
		this.reset();
		return { ok: true, saleId: recorded.sale.id };
	}

	reset(): void {
		this.#cart = carts.EMPTY_CART;
		this.#items = new Map();
		this.customer = null;
		this.balance = 0;
		this.method = 'card';
		this.tendered = '';
		this.codes = [];
		this.removals = [];
		void this.#feed.setCustomer(null);
	}
}

export const cart = new CartState();
