import type { SspiUser } from 'passport-sspi';
import type { EnrichedUser } from 'passport-sspi-ad';

export type AdUser = EnrichedUser<SspiUser>;

/**
 * The user as the JSON routes answer it: everything the sign-in and the directory said, except the photo's
 * bytes, which /me/photo serves as an image (a JPEG as a JSON array of numbers helps nobody).
 */
export function publicUser(user: AdUser): unknown {
  const { ad } = user;
  if (!ad.enriched) return user;
  const { photo, ...profile } = ad;
  return { ...user, ad: { ...profile, ...(photo !== undefined && { photo: '/me/photo' }) } };
}
