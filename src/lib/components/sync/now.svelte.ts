// A reactive "now" for relative times ("Synced 2 min ago"). Call inside a component's setup:
// the interval lives as long as the component.
export function useNow(intervalMs: number): { readonly value: number } {
	let value = $state(Date.now());
	$effect(() => {
		value = Date.now();
		const timer = setInterval(() => (value = Date.now()), intervalMs);
		return () => clearInterval(timer);
	});
	return {
		get value() {
			return value;
		}
	};
}
