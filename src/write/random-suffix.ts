/**
 * Eight hex digits for the names of temp files and folders beside a target. They need not be
 * unpredictable: they sit in a folder the user owns, and the temp folder (mkdir) and staged
 * files ("wx") are created exclusively, so a name already taken is an error, never written
 * through. (node:crypto would cost more to load than all the writes of a project.)
 */
export function randomSuffix(): string {
  return Math.floor(Math.random() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, "0");
}
