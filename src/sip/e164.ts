/**
 * Normalizes the number a carrier puts in a Request-URI or To user part to E.164, the form phone
 * numbers are stored in. Carriers differ: Twilio sends `+15550001234`, others `15550001234`,
 * `0015550001234`, national `5550001234`, or `tel:` URIs with visual separators.
 */

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * The E.164 form of `raw`, or undefined when it cannot be one. `defaultCountryCode` (digits, no
 * plus) completes national numbers: a 10-digit number under country code 1, or a number with one
 * national trunk prefix `0` elsewhere.
 */
export function normalizeE164(raw: string, defaultCountryCode = '1'): string | undefined {
  // URI parameters (`;phone-context=…`, `;npdi`) are not part of the number.
  let s = raw.split(';')[0]!.trim();
  if (!s) return undefined;
  s = s.replace(/[\s\-.()]/g, '');
  let digits: string;
  if (s.startsWith('+')) digits = s.slice(1);
  else if (s.startsWith('00')) digits = s.slice(2);
  else if (defaultCountryCode === '1' && s.startsWith('011')) digits = s.slice(3);
  else if (!/^\d+$/.test(s)) return undefined;
  else if (defaultCountryCode === '1' && s.length === 10 && /^[2-9]/.test(s)) digits = '1' + s;
  else if (defaultCountryCode !== '1' && s.startsWith('0') && !s.startsWith('00')) {
    digits = defaultCountryCode + s.slice(1);
  } else digits = s;
  if (!/^\d+$/.test(digits)) return undefined;
  const e164 = '+' + digits;
  return E164.test(e164) ? e164 : undefined;
}
