// The whole app renders in the browser from IndexedDB (local-first), so no server rendering.
export const ssr = false;
export const prerender = false;
