// The sale being rung up: a plain value changed by pure functions, priced from scratch on every
// change (a cart has a handful of lines, so there is nothing to gain from being clever), and
// turned into an immutable Sale once paid.
import type { FieldError } from '../errors';
import { formatMoney, minorPerUnit } from './items';
import { saleTotals } from './totals';
import type { Item, LineDiscount, LoyaltySettings, Payment, Sale, SaleLine, SaleStamp } from './types';
import type { BenefitPricing, DiscountRemoval } from '../benefits/types';

export interface CartLine {
	itemId: string;
	qty: number;
	/** Points the customer wants to pay this line with; 0 for none. */
	pointsToRedeem: number;
}

export interface Cart {
	lines: CartLine[];
	customerId: string | null;
}

export const EMPTY_CART: Cart = { lines: [], customerId: null };

/** Adds `qty` of an item; the same item again adds to its line rather than opening another. */
export function addItem(cart: Cart, item: Pick<Item, 'id'>, qty = 1): Cart {
	const i = cart.lines.findIndex((l) => l.itemId === item.id);
	if (i === -1) return { ...cart, lines: [...cart.lines, { itemId: item.id, qty, pointsToRedeem: 0 }] };
	return setQty(cart, i, cart.lines[i].qty + qty);
}

/** Sets a line's quantity as typed; priceCart reports a quantity below 1 rather than dropping the line. */
export function setQty(cart: Cart, lineIndex: number, qty: number): Cart {
	if (!cart.lines[lineIndex]) return cart;
	return { ...cart, lines: cart.lines.map((l, i) => (i === lineIndex ? { ...l, qty } : l)) };
}

export function removeLine(cart: Cart, lineIndex: number): Cart {
	if (!cart.lines[lineIndex]) return cart;
	return { ...cart, lines: cart.lines.filter((_, i) => i !== lineIndex) };
}

export function setPoints(cart: Cart, lineIndex: number, points: number): Cart {
	if (!cart.lines[lineIndex]) return cart;
	return { ...cart, lines: cart.lines.map((l, i) => (i === lineIndex ? { ...l, pointsToRedeem: points } : l)) };
}

/** Attaching another customer (or none) clears points: they were the previous customer's. */
export function setCustomer(cart: Cart, customerId: string | null): Cart {
	if (customerId === cart.customerId) return cart;
	return { customerId, lines: cart.lines.map((l) => ({ ...l, pointsToRedeem: 0 })) };
}

// ---- Pricing -------------------------------------------------------------------------------

export type ItemLookup = ReadonlyMap<string, Item> | ((id: string) => Item | undefined);

export interface PricedLine extends SaleLine {
	/** unitPrice × qty. */
	gross: number;
	/** gross − discount − pointsValue: what this line costs in money. */
	toPay: number;
	/** Most points this line could take (a whole number of units for 'full' items). */
	maxPoints: number;
}

export interface PricedCart {
	lines: PricedLine[];
	subtotal: number;
	discountTotal: number;
	pointsRedeemed: number;
	/** Money paid by those points. */
	pointsValue: number;
	/** To pay in money: subtotal − discountTotal − pointsValue. */
	total: number;
	pointsEarned: number;
	errors: FieldError[];
}

export interface PriceOptions {
	/** Discounts per line with their reason (group discounts, staff discount, ...). */
	discounts?: readonly LineDiscount[];
	/** For points earned per whole currency unit; GBP by default. */
	currency?: string;
}

/** Points for an amount in minor units, rounded as the shop chose. Works for negative amounts. */
export function pointsFor(amount: number, loyalty: LoyaltySettings, currency = 'GBP'): number {
	const exact = (amount * loyalty.pointsPerUnit) / minorPerUnit(currency);
	// A hair of tolerance so 12.99 × 1 or 0.1-point rates do not fall a point short to floating point.
	const r =
		loyalty.rounding === 'up' ? Math.ceil(exact - 1e-9) : loyalty.rounding === 'nearest' ? Math.round(exact) : Math.floor(exact + 1e-9);
	return r === 0 ? 0 : r;
}

/**
 * Prices a cart: discounts, points per line, totals, points earned, and every problem that stops
 * the sale (a cart with errors is still priced, so the till can show the figures beside them).
 * `customerBalance` is the customer's current points balance (ignored without a customer).
 */
export function priceCart(
	cart: Cart,
	items: ItemLookup,
	loyalty: LoyaltySettings,
	customerBalance: number,
	opts: PriceOptions = {}
): PricedCart {
	const get = typeof items === 'function' ? items : (id: string) => items.get(id);
	const errors: FieldError[] = [];
	const lines: PricedLine[] = [];

	cart.lines.forEach((cl, i) => {
		const field = `lines.${i}`;
		const item = get(cl.itemId);
		if (!item) {
			errors.push({ field, code: 'item-unknown' });
			return;
		}
		const name = { name: item.name };
		const qtyOk = Number.isInteger(cl.qty) && cl.qty >= 1;
		if (!qtyOk) errors.push({ field: `${field}.qty`, code: 'qty-invalid', params: name });
		const priceOk = Number.isInteger(item.price) && item.price > 0;
		if (!priceOk) errors.push({ field, code: 'item-price-missing', params: name });
		const qty = qtyOk ? cl.qty : 0;
		const unitPrice = priceOk ? item.price : 0;
		const gross = unitPrice * qty;

		let discount = 0;
		const reasons: string[] = [];
		for (const d of opts.discounts ?? []) {
			if (d.lineIndex !== i) continue;
			if (!Number.isInteger(d.amount) || d.amount < 0) {
				errors.push({ field: `${field}.discount`, code: 'discount-invalid' });
				continue;
			}
			discount += d.amount;
			if (d.reason && !reasons.includes(d.reason)) reasons.push(d.reason);
		}
		// Discounts together never take a line below zero.
		discount = Math.min(discount, gross);
		const net = gross - discount;

		const maxPoints =
			item.redeem === 'full' && item.pointsPrice > 0
				? item.pointsPrice * qty
				: item.redeem === 'partial' && loyalty.pointValue > 0
					? Math.floor(net / loyalty.pointValue)
					: 0;
		let points = 0;
		let value = 0;
		const wanted = cl.pointsToRedeem;
		if (wanted !== 0) {
			const pf = `${field}.points`;
			if (!Number.isInteger(wanted) || wanted < 0) errors.push({ field: pf, code: 'points-invalid' });
			else if (cart.customerId === null) errors.push({ field: pf, code: 'points-need-customer' });
			else if (item.redeem === 'none') errors.push({ field: pf, code: 'points-not-allowed', params: name });
			else if (item.redeem === 'full' && (item.pointsPrice <= 0 || wanted % item.pointsPrice !== 0)) {
				errors.push({ field: pf, code: 'points-whole-units', params: { ...name, pointsPrice: String(item.pointsPrice) } });
			} else if (wanted > maxPoints) {
				errors.push({ field: pf, code: 'points-exceed-line', params: { ...name, max: String(maxPoints) } });
			} else {
				points = wanted;
				if (item.redeem === 'full') {
					const units = wanted / item.pointsPrice;
					// Whole units paid with points pay their share of the discounted line.
					value = units === qty ? net : Math.floor((net * units) / qty);
				} else value = wanted * loyalty.pointValue;
			}
		}

		lines.push({
			itemId: item.id,
			sku: item.sku,
			name: item.name,
			brand: item.brand,
			category: item.category,
			variant: item.variant,
			qty,
			unitPrice,
			unitCost: item.cost,
			discount,
			discountReason: reasons.join('; '),
			pointsRedeemed: points,
			pointsValue: value,
			gross,
			toPay: net - value,
			maxPoints
		});
	});

	const { subtotal, discountTotal, pointsRedeemed, pointsValue, total } = saleTotals(lines);
	if (pointsRedeemed > 0 && cart.customerId !== null && pointsRedeemed > customerBalance) {
		errors.push({ field: 'points', code: 'points-exceed-balance', params: { available: String(Math.max(0, customerBalance)) } });
	}

	const earnBase = loyalty.earnOnRedeemed ? subtotal - discountTotal : total;
	return {
		lines,
		subtotal,
		discountTotal,
		pointsRedeemed,
		pointsValue,
		total,
		pointsEarned: Math.max(0, pointsFor(earnBase, loyalty, opts.currency)),
		errors
	};
}

// ---- Finalising ----------------------------------------------------------------------------

export interface FinaliseContext extends SaleStamp {
	currency: string;
	/** Money tendered, by cash or card; the points part is added from the priced cart. */
	payments: Payment[];
	/**
	 * The group benefits the cart was priced with (its lines in the cart's order) and the
	 * cashier's removals: stored with the sale so its receipt explains every price forever.
	 */
	benefits?: { pricing: BenefitPricing; removals: readonly DiscountRemoval[] };
}

export type FinaliseResult = { ok: true; sale: Sale; change: number } | { ok: false; errors: FieldError[] };

/**
 * The immutable Sale for a priced cart. Card pays exactly (at most what is left to pay); cash may
 * be more than is due and the difference is the change.
 */
export function finaliseSale(cart: Cart, priced: PricedCart, ctx: FinaliseContext): FinaliseResult {
	if (priced.errors.length > 0) return { ok: false, errors: priced.errors };
	if (cart.lines.length === 0 || priced.lines.length === 0) return { ok: false, errors: [{ field: 'lines', code: 'cart-empty' }] };

	const errors: FieldError[] = [];
	let cash = 0;
	let card = 0;
	ctx.payments.forEach((p, i) => {
		if ((p.method !== 'cash' && p.method !== 'card') || !Number.isInteger(p.amount) || p.amount <= 0) {
			errors.push({ field: `payments.${i}`, code: 'payment-invalid' });
		} else if (p.method === 'cash') cash += p.amount;
		else card += p.amount;
	});
	if (errors.length) return { ok: false, errors };
	if (card > priced.total) return { ok: false, errors: [{ field: 'payments', code: 'payment-card-over' }] };
	if (card + cash < priced.total) {
		const amount = formatMoney(priced.total - card - cash, ctx.currency);
		return { ok: false, errors: [{ field: 'payments', code: 'payment-short', params: { amount } }] };
	}
	const change = card + cash - priced.total;

	const payments: Payment[] = ctx.payments.map((p) => ({ method: p.method, amount: p.amount }));
	if (priced.pointsValue > 0) payments.push({ method: 'points', amount: priced.pointsValue });

	const sale: Sale = {
		id: ctx.id,
		receiptNo: ctx.receiptNo,
		at: ctx.at,
		storeId: ctx.storeId,
		deviceId: ctx.deviceId,
		deviceName: ctx.deviceName,
		cashier: ctx.cashier,
		customerId: cart.customerId,
		lines: priced.lines.map((l, i) => withTrace(toSaleLine(l), ctx.benefits?.pricing.lines[i])),
		payments,
		subtotal: priced.subtotal,
		discountTotal: priced.discountTotal,
		pointsValue: priced.pointsValue,
		total: priced.total,
		change,
		pointsRedeemed: priced.pointsRedeemed,
		pointsEarned: priced.pointsEarned,
		refundOf: null,
		currency: ctx.currency
	};
	if (ctx.benefits) {
		const { pricing, removals } = ctx.benefits;
		if (pricing.coupons.length) sale.coupons = pricing.coupons.map((c) => ({ ...c }));
		if (removals.length) sale.removals = removals.map((r) => ({ itemId: r.itemId, reason: r.reason.trim() }));
		sale.policy = pricing.policy;
	}
	return { ok: true, sale, change };
}

/** The line's price trace, winners and why, when benefits priced it (copied: the sale never shares them). */
function withTrace(line: SaleLine, b: BenefitPricing['lines'][number] | undefined): SaleLine {
	if (!b || b.itemId !== line.itemId) return line;
	const out: SaleLine = { ...line, trace: structuredClone(b.trace) };
	if (b.winners.length) out.winners = structuredClone(b.winners);
	if (b.why) out.why = structuredClone(b.why);
	return out;
}

function toSaleLine(l: PricedLine): SaleLine {
	return {
		itemId: l.itemId,
		sku: l.sku,
		name: l.name,
		brand: l.brand,
		category: l.category,
		variant: l.variant,
		qty: l.qty,
		unitPrice: l.unitPrice,
		unitCost: l.unitCost,
		discount: l.discount,
		discountReason: l.discountReason,
		pointsRedeemed: l.pointsRedeemed,
		pointsValue: l.pointsValue
	};
}
