// Countries offered in selects: the common ones for the shops we serve, named in the browser's language.
export const COMMON_COUNTRIES = [
	'GB', 'IE', 'US', 'CA', 'AU', 'NZ', 'FR', 'DE', 'ES', 'IT', 'NL', 'BE', 'LU', 'PT', 'AT', 'CH',
	'PL', 'CZ', 'SE', 'DK', 'NO', 'FI', 'IS', 'GR', 'HU', 'RO', 'JE', 'GG', 'IM', 'ZA', 'IN', 'SG', 'JP'
] as const;

export function countryName(code: string): string {
	try {
		return new Intl.DisplayNames(undefined, { type: 'region' }).of(code) ?? code;
	} catch {
		return code;
	}
}

/** Options sorted by name; `extra` keeps a stored code that is not in the common list selectable. */
export function countryOptions(extra?: string): { value: string; label: string }[] {
	const codes = new Set<string>(COMMON_COUNTRIES);
	if (extra && /^[A-Z]{2}$/.test(extra)) codes.add(extra);
	return [...codes]
		.map((c) => ({ value: c, label: `${countryName(c)} (${c})` }))
		.sort((a, b) => a.label.localeCompare(b.label));
}
