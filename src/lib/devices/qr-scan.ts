// QR → pairing code: plain functions (tested in Node). The camera that reads the QR code is the
// same scanner as for customer cards (camera.ts).

/** The relay's code alphabet (no 0/O/1/I), 8 characters, shown as ABCD-EFGH. */
const CODE_CHARS = /^[A-HJ-NP-Z2-9]{8}$/;

/** 'abcd efgh', 'ABCDEFGH' or 'ABCD-EFGH' → 'ABCD-EFGH'; anything else → null. */
export function normalisePairingCode(raw: string): string | null {
	const compact = raw.toUpperCase().replace(/[\s-]/g, '');
	return CODE_CHARS.test(compact) ? `${compact.slice(0, 4)}-${compact.slice(4)}` : null;
}

/** What the owner's QR code holds: a link to the devices page, so a phone camera opens it too. */
export function pairingUrl(origin: string, code: string): string {
	return `${origin.replace(/\/+$/, '')}/settings/devices?pair=${encodeURIComponent(code)}`;
}

/** A scanned text that is a bare code or a link carrying ?pair=CODE → the code, else null. */
export function pairingCodeFromQr(text: string): string | null {
	const bare = normalisePairingCode(text.trim());
	if (bare) return bare;
	try {
		const param = new URL(text.trim()).searchParams.get('pair');
		return param ? normalisePairingCode(param) : null;
	} catch {
		return null;
	}
}
