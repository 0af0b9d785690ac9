// The app-wide answer to a scan that the screen in front did not take: open the customer's
// profile, offer to assign an unknown card, go to pairing for a pairing code. Loaded with import()
// on the first scan, so none of it is in the JavaScript every page loads.
import { goto } from '$app/navigation';
import { fullName } from '$lib/domain/customer';
import { scanHub } from '$lib/state/scan.svelte';
import type { ScanOutcome } from '$lib/state/scan';
import { beep } from '$lib/devices/beep';
import { toasts } from '$lib/components/ui/toast.svelte';

export async function appWideScan(outcome: ScanOutcome): Promise<boolean> {
	switch (outcome.kind) {
		case 'customer': {
			beep('ok');
			scanHub.cameraOpen = false;
			// Said once the profile is in front: shown before, its 4 s could run out while a busy
			// tablet is still opening the page, and nobody would have read it.
			await goto(`/customers/${outcome.customer.id}`);
			toasts.show(`${fullName(outcome.customer) || 'Customer'} · card ${outcome.card}`);
			return true;
		}
		case 'unknown-card':
			beep('unknown');
			scanHub.cameraOpen = false;
			scanHub.unknownCard = outcome.card;
			return true;
		case 'item':
			scanHub.note = `That is the barcode of ${outcome.item.name}, not a customer card.`;
			if (!scanHub.cameraOpen) toasts.show(scanHub.note, 'info', 6000);
			return true;
		case 'pairing':
			beep('ok');
			scanHub.cameraOpen = false;
			// The devices page joins a shop with it (or says this tablet is paired already).
			await goto(`/settings/devices?pair=${encodeURIComponent(outcome.code)}`);
			return true;
		case 'unreadable':
			scanHub.note = 'That code is not a customer card. Hold the card’s barcode inside the frame.';
			if (!scanHub.cameraOpen) toasts.show('That code is not a customer card.', 'error', 6000);
			return true;
	}
}
