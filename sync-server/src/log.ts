/**
 * One line per event of interest. Fields carry ids and counts only: never names, tokens,
 * pairing codes or IP addresses, so logs hold no personal data.
 */
export type LogFields = Record<string, string | number | boolean | undefined>;
export type Log = (event: string, fields?: LogFields) => void;

export const silentLog: Log = () => {};

export function consoleLog(event: string, fields: LogFields = {}): void {
	const parts = Object.entries(fields)
		.filter(([, v]) => v !== undefined)
		.map(([k, v]) => `${k}=${typeof v === 'string' && /\s/.test(v) ? JSON.stringify(v) : v}`);
	console.log([new Date().toISOString(), event, ...parts].join(' '));
}
