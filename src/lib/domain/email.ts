// Pragmatic email check: catches typos at the till (missing @, spaces, no domain) without
// pretending to implement RFC 5322, which would accept addresses no shop could ever mail.

export type EmailResult = { ok: true; email: string } | { ok: false; code: 'email-invalid' };

const LOCAL_RE = /^[^\s@"(),:;<>[\]\\]+$/;
const LABEL_RE = /^(?!-)[a-z0-9\u00a1-\uffff-]{1,63}(?<!-)$/;
const TLD_RE = /^(?:[a-z\u00a1-\uffff]{2,63}|xn--[a-z0-9-]{1,59})$/;

export function normalizeEmail(input: string): EmailResult {
	const email = input.trim().toLowerCase();
	if (email === '') return { ok: true, email };
	if (email.length > 254) return { ok: false, code: 'email-invalid' };
	const at = email.indexOf('@');
	if (at <= 0 || at !== email.lastIndexOf('@')) return { ok: false, code: 'email-invalid' };
	const local = email.slice(0, at);
	const domain = email.slice(at + 1);
	if (local.length > 64 || !LOCAL_RE.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
		return { ok: false, code: 'email-invalid' };
	}
	const labels = domain.split('.');
	if (labels.length < 2 || !labels.every((l) => LABEL_RE.test(l)) || !TLD_RE.test(labels[labels.length - 1])) {
		return { ok: false, code: 'email-invalid' };
	}
	return { ok: true, email };
}
