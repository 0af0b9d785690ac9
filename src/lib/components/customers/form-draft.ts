// The unsaved copy of a customer form, kept in sessionStorage so a half-filled form survives leaving
// it. Stamped with when it was last edited, so a form opened later can OFFER it ("Restore the
// unsaved customer from 14:02?") instead of pouring it into fields someone is already typing in.
import { fullName } from '$lib/domain/customer';
import type { FormState } from './form-model';

export interface KeptDraft {
	form: FormState;
	/** ISO instant of the last edit; null for drafts kept by an older version (bare form state). */
	savedAt: string | null;
}

/** Where a draft goes when a new form was typed into before its owner answered the offer. */
export const asideKey = (key: string) => `${key}:aside`;

export function readDraft(key: string): KeptDraft | null {
	const raw = sessionStorage.getItem(key);
	if (!raw) return null;
	try {
		const parsed = JSON.parse(raw) as { v?: number; form?: FormState; savedAt?: string };
		if (parsed.v === 2 && parsed.form) return { form: parsed.form, savedAt: parsed.savedAt ?? null };
		return { form: parsed as unknown as FormState, savedAt: null };
	} catch {
		sessionStorage.removeItem(key);
		return null;
	}
}

export function writeDraft(key: string, draft: KeptDraft): void {
	sessionStorage.setItem(key, JSON.stringify({ v: 2, form: draft.form, savedAt: draft.savedAt }));
}

/** Whose draft it was, in words: the name typed, else the email or phone, else "no name yet". */
export function draftOwner(form: FormState): string {
	return fullName(form.draft) || form.draft.email.trim() || form.draft.phone.trim() || 'no name yet';
}
