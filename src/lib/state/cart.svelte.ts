// The till's cart: the sale being rung up. One shared instance, so going to Customers and back
// keeps the basket; reset() after "Paid" (and in tests). Pricing is derived: every change of
// lines, customer or balance re-prices the whole cart with the domain's priceCart.
import * as carts from '$lib/domain/sales/cart';
import type { Cart, PricedCart } from '$lib/domain/sales/cart';
import { DEFAULT_LOYALTY, type Item, type LoyaltySettings } from '$lib/domain/sales/types';
import type { Customer } from '$lib/domain/customer';
import type { FieldError } from '$lib/domain/errors';
import { parseMoney } from '$lib/domain/sales/items';
import { shop } from './shop.svelte';
import { balanceOf, tillStamp } from '$lib/state/till';

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

	readonly priced: PricedCart = $derived(
		carts.priceCart(this.#cart, this.#items, this.loyalty, this.balance, { currency: this.currency })
	);

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
		this.#cart = carts.removeLine(this.#cart, lineIndex);
	}

	setPoints(lineIndex: number, points: number): void {
		this.#cart = carts.setPoints(this.#cart, lineIndex, points);
	}

	attach(customer: Customer, balance: number): void {
		this.#cart = carts.setCustomer(this.#cart, customer.id);
		this.customer = customer;
		this.balance = balance;
	}

	detach(): void {
		this.#cart = carts.setCustomer(this.#cart, null);
		this.customer = null;
		this.balance = 0;
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
		await this.refreshBalance();
		const priced = this.priced;
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
		const result = carts.finaliseSale(this.#cart, priced, { ...(await tillStamp()), currency: this.currency, payments });
		if (!result.ok) return result;
		const recorded = await shop.sales.record(result.sale);
		if (!recorded.ok) return recorded;
		// The receipt shows the customer as they now are: statistics, points and group memberships
		// (a sale crossing a tier threshold moves them to Gold before the receipt appears).
		await shop.derive.settled();
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
	}
}

export const cart = new CartState();
