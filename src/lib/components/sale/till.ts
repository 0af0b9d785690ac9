// Who, where and when a sale or refund is recorded: the stamp every receipt carries.
import { newId } from '$lib/domain/ids';
import { shop } from '$lib/state/shop.svelte';

export interface TillStamp {
	id: string;
	receiptNo: string;
	at: string;
	storeId: string;
	deviceId: string;
	deviceName: string;
	cashier: string;
}

export async function tillStamp(): Promise<TillStamp> {
	const receiptNo = await shop.sales.nextReceiptNo();
	return {
		id: newId(),
		receiptNo,
		at: new Date().toISOString(),
		storeId: shop.device.storeId,
		// The receipt number's device part is this installation's own code.
		deviceId: receiptNo.split('-')[1] ?? '',
		deviceName: shop.device.name,
		// No cashier log-in yet: the till's name stands for whoever is at it.
		cashier: shop.device.name
	};
}

/** The customer's points balance on this tablet (0 before their first sale). */
export async function balanceOf(customerId: string): Promise<number> {
	return (await shop.sales.stats(customerId))?.pointsBalance ?? 0;
}

/** '21 Nov 2026, 14:05' in the shop's time zone. */
export function formatDateTime(iso: string, timeZone: string): string {
	const opts: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' };
	try {
		return new Intl.DateTimeFormat('en-GB', { ...opts, timeZone }).format(Date.parse(iso));
	} catch {
		return new Intl.DateTimeFormat('en-GB', opts).format(Date.parse(iso));
	}
}

/** ['21 Nov 2026', '14:05'] in the shop's time zone, for two-line table cells. */
export function dateAndTime(iso: string, timeZone: string): [string, string] {
	const t = Date.parse(iso);
	const fmt = (o: Intl.DateTimeFormatOptions) => {
		try {
			return new Intl.DateTimeFormat('en-GB', { ...o, timeZone }).format(t);
		} catch {
			return new Intl.DateTimeFormat('en-GB', o).format(t);
		}
	};
	return [fmt({ day: 'numeric', month: 'short', year: 'numeric' }), fmt({ hour: '2-digit', minute: '2-digit' })];
}
