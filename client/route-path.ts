/**
 * A route of the action table with its parameters filled in. Its own module, free of
 * imports, so the web page (web/, built by Vite for the browser) can use it with the
 * routes the server writes into the page.
 */

/** `/api/rounds/:roundId` + `{ roundId: 'r 1' }` → `/api/rounds/r%201`. */
export function fillRoute(route: string, params: Record<string, string>): string {
  return route.replace(/:([A-Za-z]+)/g, (_m, k: string) => {
    const v = params[k];
    if (v === undefined) throw new Error(`missing path parameter ${k} for ${route}`);
    return encodeURIComponent(v);
  });
}
