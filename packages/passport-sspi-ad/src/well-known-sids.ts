/**
 * SIDs that appear in tokens but have no object in the directory, so no search can name them. Names as Windows
 * shows them (MS-DTYP 2.4.2.4). Anything else unknown to the directory (another forest's groups) keeps no name.
 */
export const WELL_KNOWN_SIDS: ReadonlyMap<string, string> = new Map([
  ['S-1-1-0', 'Everyone'],
  ['S-1-2-0', 'LOCAL'],
  ['S-1-5-2', 'NT AUTHORITY\\NETWORK'],
  ['S-1-5-4', 'NT AUTHORITY\\INTERACTIVE'],
  ['S-1-5-6', 'NT AUTHORITY\\SERVICE'],
  ['S-1-5-11', 'NT AUTHORITY\\Authenticated Users'],
  ['S-1-5-15', 'NT AUTHORITY\\This Organization'],
  ['S-1-5-64-10', 'NT AUTHORITY\\NTLM Authentication'],
  ['S-1-18-1', 'Authentication authority asserted identity'],
  ['S-1-18-2', 'Service asserted identity'],
]);
