// The coupon form as typed, and the words of the coupon list. Pure: the service validates.
import type { Coupon } from '$lib/domain/benefits/types';
import type { CouponDraft } from '$lib/domain/benefits/validate';
import { parseMoney, formatMoney } from '$lib/domain/sales/items';
import { formatDay } from '$lib/domain/dates';
import { moneyText } from '$lib/components/items/item-form';

export interface CouponFormState {
	code: string;
	valueKind: 'amount' | 'pct';
	/** As typed: money in the shop's currency, or a percentage. */
	value: string;
	validFrom: string;
	validTo: string;
	/** Empty: as often as the customer likes. */
	uses: string;
	groups: string[];
}

export function emptyCouponForm(today: string): CouponFormState {
	return { code: '', valueKind: 'pct', value: '', validFrom: today, validTo: '', uses: '1', groups: [] };
}

export function couponForm(c: Coupon, currency: string): CouponFormState {
	return {
		code: c.code,
		valueKind: c.value.kind,
		value: c.value.kind === 'amount' ? moneyText(c.value.amount, currency) : String(c.value.pct),
		validFrom: c.validFrom,
		validTo: c.validTo,
		uses: c.usesPerCustomer === null ? '' : String(c.usesPerCustomer),
		groups: [...c.groups]
	};
}

/** What to save. Unreadable numbers become NaN, which the service refuses at their field. */
export function couponDraft(f: CouponFormState, currency: string): CouponDraft {
	const typed = f.value.trim();
	const value =
		f.valueKind === 'amount'
			? { kind: 'amount' as const, amount: typed ? (parseMoney(typed, currency) ?? NaN) : NaN }
			: { kind: 'pct' as const, pct: typed && /^\d+([.,]\d+)?$/.test(typed) ? Number(typed.replace(',', '.')) : NaN };
	const uses = f.uses.trim();
	return {
		code: f.code,
		value,
		validFrom: f.validFrom,
		validTo: f.validTo,
		usesPerCustomer: uses === '' ? null : /^\d+$/.test(uses) ? Number(uses) : NaN,
		groups: [...f.groups]
	};
}

export function valueWords(c: Coupon, currency: string, locale?: string): string {
	return c.value.kind === 'amount' ? `${formatMoney(c.value.amount, currency, locale)} off` : `${c.value.pct} % off`;
}

export function validityWords(c: Coupon, locale?: string): string {
	return c.validFrom === c.validTo ? formatDay(c.validFrom, locale) : `${formatDay(c.validFrom, locale)} – ${formatDay(c.validTo, locale)}`;
}

export type CouponStatus = 'upcoming' | 'active' | 'ended';

export function couponStatus(c: Coupon, today: string): CouponStatus {
	return today < c.validFrom ? 'upcoming' : today > c.validTo ? 'ended' : 'active';
}

export const STATUS_WORDS: Record<CouponStatus, string> = { upcoming: 'Starts later', active: 'Valid today', ended: 'Ended' };
