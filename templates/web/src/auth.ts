/**
 * Who the page says the user is. `getToken()` is a development stub: it reads what you saved
 * in this browser's local storage (the form on the page does that). Replace it with your
 * sign-in: return the user's id token (--auth jwt) or, behind a proxy that sets the user
 * header itself (--auth header), drop the custom fetch altogether.
 */
import type { AuthConfig } from "./config";

export const TOKEN_STORAGE_KEY = "chatkit.token";

export function getToken(): string | null {
  return window.localStorage.getItem(TOKEN_STORAGE_KEY);
}

export function saveToken(token: string): void {
  window.localStorage.setItem(TOKEN_STORAGE_KEY, token);
}

/** The header that names the user for this auth mode, or null when requests carry none. */
export function authHeader(auth: AuthConfig, token: string | null): [string, string] | null {
  if (auth.mode === "none" || !token) return null;
  return auth.mode === "header" ? [auth.header, token] : ["Authorization", `Bearer ${token}`];
}

/** A fetch that adds the user's header to each ChatKit request; undefined with --auth none. */
export function authFetch(auth: AuthConfig): typeof fetch | undefined {
  if (auth.mode === "none") return undefined;
  return (input, init) => {
    const headers = new Headers(init?.headers);
    const header = authHeader(auth, getToken());
    if (header) headers.set(...header);
    return fetch(input, { ...init, headers });
  };
}
