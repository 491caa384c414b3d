/**
 * Files the user owns after the first render: generated once as a starting point, then never
 * touched by `update` and never reported by `check`. This list is the one place that says so;
 * add a path here when a template becomes a file users are meant to rewrite.
 *
 * `update` still creates such a file when it has never been generated in the project before
 * and nothing is at its path (a later CLI version adds a starter file); once created, or if
 * the user deletes it, it is theirs.
 */
export const USER_OWNED_FILES: readonly string[] = [
  // The project's own function tools (a later issue adds the starter file).
  "app/tools.py",
];

const owned = new Set(USER_OWNED_FILES);

export function isUserOwned(path: string): boolean {
  return owned.has(path);
}
