// The contract between the UI and the data layer. Components and routes depend on these types only;
// the implementation (src/lib/db/customers.ts over Dexie + Yjs) and test doubles satisfy them.
import type { Customer, CustomerDraft } from '$lib/domain/customer';
import type { FieldError } from '$lib/domain/errors';

export type WriteResult =
	| { ok: true; id: string }
	/** errors block the write; nothing was written. */
	| { ok: false; errors: FieldError[] };

export interface ImportProgress {
	done: number;
	total: number;
}

export interface ImportOutcome {
	imported: number;
	/** Rows refused at write time (a card taken meanwhile by another customer), with reasons. */
	refused: { rowNumber: number; errors: FieldError[] }[];
	cancelled: boolean;
}

export interface CustomerService {
	get(id: string): Promise<Customer | undefined>;
	/** As-you-type search over name, phone, email, postcode and card (see domain/search.ts). */
	search(query: string, limit?: number): Promise<Customer[]>;
	/** Owner of a card number (any format the cashier typed), if any. */
	findByCard(card: string): Promise<Customer | undefined>;
	/**
	 * Soft warnings before saving: other customers with the same email or phone
	 * (codes 'email-exists' / 'phone-exists', params { ownerId, ownerName }).
	 */
	findDuplicates(draft: CustomerDraft, excludeId?: string): Promise<FieldError[]>;
	/** Validates (domain + card uniqueness), then writes through the replicated path. */
	create(draft: CustomerDraft): Promise<WriteResult>;
	/**
	 * Writes only the fields that changed, so concurrent edits of other fields on other tablets
	 * survive. `base` is the customer as the form loaded it: fields equal to it are not written
	 * even if another tablet changed them since (without it, the current state is the base).
	 */
	update(id: string, draft: CustomerDraft, base?: CustomerDraft): Promise<WriteResult>;
	remove(id: string): Promise<void>;
	/**
	 * Writes already-validated drafts in chunks; each chunk is one transaction, so a cancel
	 * (signal) stops between chunks and never leaves half a row.
	 */
	importMany(
		rows: { rowNumber: number; draft: CustomerDraft }[],
		opts?: { signal?: AbortSignal; onProgress?: (p: ImportProgress) => void; chunk?: number }
	): Promise<ImportOutcome>;
	count(): Promise<number>;
}
