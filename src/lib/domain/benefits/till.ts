// The till's price: the customer's group benefits and the coupons entered (priceWithBenefits),
// then the cart's own pricing with those discounts and the customer's loyalty (priceCart), then
// the redemption allowance. One pure function of everything loaded, so the cart's price is a
// derivation that every tablet computes the same way, offline as online.
import type { FieldError } from '../errors';
import type { Group, MembershipKey } from '../groups/types';
import { priceCart, type Cart, type ItemLookup, type PricedCart } from '../sales/cart';
import type { LoyaltySettings } from '../sales/types';
import { allowances, checkRedemption, type Allowance, type RedemptionRecord } from './allowance';
import { lineDiscounts, loyaltyForSale, priceWithBenefits } from './price';
import type { Benefit, BenefitPolicy, BenefitPricing, Coupon, DiscountRemoval, PricingLine } from './types';

/** The shop's benefits as the till holds them (the data layer's snapshot). */
export interface TillBenefits {
	benefits: readonly Benefit[];
	coupons: readonly Coupon[];
	policy: BenefitPolicy;
	/** The stored policy is from a newer app version: priced best-price meanwhile. */
	policyNeedsUpdate: boolean;
}

/** What the till knows of the attached customer, read when they were attached and kept current. */
export interface TillMember {
	customerId: string;
	/** Membership keys now (groups and `${groupId}/${levelId}`). */
	keys: readonly MembershipKey[];
	couponUses: Readonly<Record<string, number>>;
	history: readonly RedemptionRecord[];
}

export interface TillInput {
	cart: Cart;
	items: ItemLookup;
	loyalty: LoyaltySettings;
	balance: number;
	currency: string;
	/** null until loaded. */
	benefits: TillBenefits | null;
	groups: readonly Group[] | null;
	/** null until loaded; a member of another customer than the cart's counts as not loaded. */
	member: TillMember | null;
	codes: readonly string[];
	removals: readonly DiscountRemoval[];
	/** 'YYYY-MM-DD' in the shop's zone; now in ms; the shop's zone (redemption periods). */
	today: string;
	now: number;
	timeZone: string;
}

export interface TillPricing {
	/** The cart as the till shows and finalises it (errors include the benefits' and the allowance's). */
	priced: PricedCart;
	/** null while loading: nothing is discounted from half-loaded data, and the sale cannot be paid. */
	benefits: BenefitPricing | null;
	loading: boolean;
	/** The tightest redemption allowance left this period before this sale (null: no limit or no customer). */
	allowance: Allowance | null;
}

const LOADING: FieldError = { field: 'benefits', code: 'benefits-loading' };

/** Whether everything the price depends on is loaded for this cart's customer. */
export function tillReady(input: Pick<TillInput, 'cart' | 'benefits' | 'groups' | 'member'>): boolean {
	if (!input.benefits || !input.groups) return false;
	const id = input.cart.customerId;
	return id === null || input.member?.customerId === id;
}

export function priceTill(input: TillInput): TillPricing {
	const { cart, items, loyalty, balance, currency } = input;
	if (!tillReady(input)) {
		const priced = priceCart(cart, items, loyalty, balance, { currency });
		return { priced: { ...priced, errors: [...priced.errors, LOADING] }, benefits: null, loading: true, allowance: null };
	}
	const get = typeof items === 'function' ? items : (id: string) => items.get(id);
	// Lines keep the cart's order and count, so lineDiscounts' indexes are the cart's; an unknown
	// item prices at 0 here (priceCart reports it).
	const lines: PricingLine[] = cart.lines.map((l) => {
		const it = get(l.itemId);
		return {
			item: { id: l.itemId, name: it?.name ?? '', brand: it?.brand ?? '', category: it?.category ?? '', price: it?.price ?? 0 },
			qty: l.qty
		};
	});
	const snap = input.benefits!;
	const member = cart.customerId !== null ? input.member : null;
	const benefits = priceWithBenefits({
		lines,
		customer: member ? { keys: member.keys, couponUses: member.couponUses } : null,
		groups: input.groups!,
		benefits: snap.benefits,
		policy: snap.policy,
		coupons: snap.coupons,
		codes: input.codes,
		removals: input.removals,
		today: input.today,
		currency
	});
	const priced = priceCart(cart, items, loyaltyForSale(loyalty, benefits.perks), balance, { currency, discounts: lineDiscounts(benefits) });
	const history = member?.history ?? [];
	const redemption = member ? checkRedemption(benefits.perks, history, priced.pointsRedeemed, input.now, input.timeZone, 'points') : [];
	const allowance = member && benefits.perks.loyaltyEnabled ? allowances(benefits.perks, history, input.now, input.timeZone).tightest : null;
	return {
		priced: { ...priced, errors: [...priced.errors, ...benefits.errors, ...redemption] },
		benefits,
		loading: false,
		allowance
	};
}
