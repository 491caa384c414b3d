/**
 * `update` outside git warns once on stderr (test/unit/update-dirty.test.ts checks it); tests
 * about other things run it in temp folders without git and drop that line.
 */
const NO_GIT_WARNING =
  /^Warning: (git is not installed|the project is not in a git repository), so update cannot tell whether your edits are saved; going ahead\.\n/;

export function withoutNoGitWarning(stderr: string): string {
  return stderr.replace(NO_GIT_WARNING, "");
}
