/**
 * One line per event of interest. Fields carry ids and counts only: never names, tokens,
 * pairing codes or IP addresses, so logs hold no personal data.
 */
export type LogFields = Record<string, string | number | boolean | undefined>;
export type Log = (event: string, fields?: LogFields) => void;

export const silentLog: Log = () => {};

let outputBroken = false;

/**
 * Whatever reads our output may go away (a closed pipe: EPIPE). Without an 'error' listener
 * that becomes an uncaught exception, whose log line fails again, and the process spins instead
 * of shutting down. So a failed stream only switches logging off; the relay carries on.
 */
export function guardOutputStreams(): void {
	for (const stream of [process.stdout, process.stderr]) {
		stream.on('error', () => {
			outputBroken = true;
		});
	}
}

export const outputIsBroken = (): boolean => outputBroken;

/** Writes one line to stdout, unless stdout is gone (then the line is dropped). */
export function writeLine(line: string): void {
	if (outputBroken || process.stdout.destroyed || !process.stdout.writable) return;
	try {
		process.stdout.write(line + '\n');
	} catch {
		outputBroken = true;
	}
}

export function consoleLog(event: string, fields: LogFields = {}): void {
	const parts = Object.entries(fields)
		.filter(([, v]) => v !== undefined)
		.map(([k, v]) => `${k}=${typeof v === 'string' && /\s/.test(v) ? JSON.stringify(v) : v}`);
	writeLine([new Date().toISOString(), event, ...parts].join(' '));
}
