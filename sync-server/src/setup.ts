import { randomInt } from 'node:crypto';
import { secretsEqual } from './auth.js';

// Same alphabet as pairing codes: read off the server's console, typed on a tablet.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const normalize = (code: string) => code.toUpperCase().replace(/[\s-]/g, '');

export type SetupCheck = 'ok' | 'setup-code-required' | 'setup-code-invalid';

/**
 * Who may create a shop. A hosted install sets SETUP_SECRET and gives it to its customers; it
 * stays valid. Otherwise the relay makes a one-time setup code at each start and prints it on its
 * listening line: whoever can read the server's console can create one shop per start, and a
 * stranger who finds the relay on the internet cannot create any.
 */
export class SetupGate {
	#code: string | null;

	constructor(private readonly secret: string | undefined) {
		this.#code = secret ? null : Array.from({ length: 8 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
	}

	get usesSecret(): boolean {
		return Boolean(this.secret);
	}

	/** The unused one-time code as `ABCD-EFGH`, or null (a secret is configured, or it was used). */
	get code(): string | null {
		return this.#code && `${this.#code.slice(0, 4)}-${this.#code.slice(4)}`;
	}

	check(given: string | undefined): SetupCheck {
		if (given === undefined || given.trim() === '') return 'setup-code-required';
		if (this.secret) return secretsEqual(given.trim(), this.secret) ? 'ok' : 'setup-code-invalid';
		if (this.#code === null) return 'setup-code-invalid';
		return secretsEqual(normalize(given), this.#code) ? 'ok' : 'setup-code-invalid';
	}

	/**
	 * Checks and, for a one-time code, uses it up in the same synchronous step, so two requests
	 * racing with the same code cannot both pass.
	 */
	claim(given: string | undefined): SetupCheck {
		const result = this.check(given);
		if (result === 'ok' && !this.secret) this.#code = null;
		return result;
	}

	/** A shop creation failed after its claim: the code is given back. */
	release(given: string): void {
		if (!this.secret && this.#code === null) this.#code = normalize(given);
	}
}
