/**
 * Phone numbers to E.164 (`+33612345678`), or `null` when the input is not a real number. A number
 * is never guessed: no digits are added or dropped beyond the formatting characters, the national
 * trunk prefix of a known region and the `00` international prefix. Placeholders ("Non fourni"),
 * Twilio's withheld-caller sentinels and SIP/client identities are not numbers.
 *
 * A small, careful normaliser instead of libphonenumber (not installed): country codes come from
 * the ITU list; national rules (trunk prefix, length, leading digit) exist for the regions below,
 * and numbers of other countries are accepted in international form when their length fits E.164.
 */

interface NationalRule {
  readonly countryCode: string;
  /** Allowed lengths of the national significant number (without trunk prefix). */
  readonly lengths: readonly number[];
  /** The national significant number must match (leading digits). */
  readonly pattern: RegExp;
  /** The trunk prefix dialled in front of national numbers, if any. */
  readonly trunk: string | null;
}

/** National numbering rules of the regions HandleHome tenants use most. */
const regions: Readonly<Record<string, NationalRule>> = {
  FR: { countryCode: '33', lengths: [9], pattern: /^[1-9]/, trunk: '0' },
  BE: { countryCode: '32', lengths: [8, 9], pattern: /^[1-9]/, trunk: '0' },
  CH: { countryCode: '41', lengths: [9], pattern: /^[1-9]/, trunk: '0' },
  LU: { countryCode: '352', lengths: [6, 7, 8, 9, 10, 11], pattern: /^[2-9]/, trunk: null },
  MC: { countryCode: '377', lengths: [8, 9], pattern: /^[3-9]/, trunk: null },
  GB: { countryCode: '44', lengths: [9, 10], pattern: /^[1-9]/, trunk: '0' },
  IE: { countryCode: '353', lengths: [7, 8, 9], pattern: /^[1-9]/, trunk: '0' },
  ES: { countryCode: '34', lengths: [9], pattern: /^[6-9]/, trunk: null },
  IT: { countryCode: '39', lengths: [6, 7, 8, 9, 10, 11], pattern: /^[03]/, trunk: null },
  DE: { countryCode: '49', lengths: [6, 7, 8, 9, 10, 11], pattern: /^[1-9]/, trunk: '0' },
  NL: { countryCode: '31', lengths: [9], pattern: /^[1-9]/, trunk: '0' },
  PT: { countryCode: '351', lengths: [9], pattern: /^[29]/, trunk: null },
  US: { countryCode: '1', lengths: [10], pattern: /^[2-9]\d{2}[2-9]/, trunk: '1' },
  CA: { countryCode: '1', lengths: [10], pattern: /^[2-9]\d{2}[2-9]/, trunk: '1' },
  MA: { countryCode: '212', lengths: [9], pattern: /^[5-8]/, trunk: '0' },
  DZ: { countryCode: '213', lengths: [8, 9], pattern: /^[2-9]/, trunk: '0' },
  TN: { countryCode: '216', lengths: [8], pattern: /^[2-9]/, trunk: null },
};

export const supportedRegions = Object.keys(regions);

/** Rules by country code, for numbers given in international form. */
const rulesByCountryCode = new Map<string, NationalRule>(Object.values(regions).map((rule) => [rule.countryCode, rule]));

/** ITU-T E.164 country calling codes in service (one, two or three digits). */
const countryCodes: ReadonlySet<string> = new Set(
  [
    '1 7 20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98',
    '211 212 213 216 218 220 221 222 223 224 225 226 227 228 229 230 231 232 233 234 235 236 237 238 239 240 241 242 243 244 245 246 247 248 249',
    '250 251 252 253 254 255 256 257 258 260 261 262 263 264 265 266 267 268 269 290 291 297 298 299',
    '350 351 352 353 354 355 356 357 358 359 370 371 372 373 374 375 376 377 378 379 380 381 382 383 385 386 387 389',
    '420 421 423 500 501 502 503 504 505 506 507 508 509 590 591 592 593 594 595 596 597 598 599',
    '670 672 673 674 675 676 677 678 679 680 681 682 683 685 686 687 688 689 690 691 692',
    '850 852 853 855 856 880 886 960 961 962 963 964 965 966 967 968 970 971 972 973 974 975 976 977 992 993 994 995 996 998',
  ]
    .join(' ')
    .split(' '),
);

/**
 * What Twilio sends as `From` when the caller withheld or has no caller ID: digits that spell
 * ANONYMOUS, RESTRICTED, UNAVAILABLE and BLOCKED on a keypad. They look like numbers and are not.
 */
const withheldCallerIds: ReadonlySet<string> = new Set(['+266696687', '+7378742833', '+86282452253', '+2562533']);

/** Formatting a person or a transcription may put in a number: spaces (incl. no-break), dots, dashes, slashes, brackets. */
const formatting = /[\s.\-/()\u00a0\u202f]/g;

function countryCodeOf(digits: string): string | undefined {
  for (const length of [1, 2, 3]) {
    const candidate = digits.slice(0, length);
    if (countryCodes.has(candidate)) return candidate;
  }
  return undefined;
}

function fitsRule(rule: NationalRule, national: string): boolean {
  return rule.lengths.includes(national.length) && rule.pattern.test(national);
}

/** An international number (digits after `+` or `00`), checked against its country's rule when known. */
function international(digits: string): string | null {
  if (digits.length < 7 || digits.length > 15) return null;
  const countryCode = countryCodeOf(digits);
  if (countryCode === undefined) return null;
  let national = digits.slice(countryCode.length);
  const rule = rulesByCountryCode.get(countryCode);
  if (rule) {
    // "+33 (0)6 12 34 56 78": the trunk prefix written after the country code is dropped.
    if (rule.trunk !== null && national.startsWith(rule.trunk) && !fitsRule(rule, national)) national = national.slice(rule.trunk.length);
    if (!fitsRule(rule, national)) return null;
  } else if (national.length < 4) {
    return null;
  }
  return `+${countryCode}${national}`;
}

/** A number dialled nationally in `region` (with its trunk prefix when the region has one). */
function national(digits: string, region: string): string | null {
  const rule = regions[region];
  if (!rule) return null;
  let number = digits;
  if (rule.trunk !== null) {
    if (!number.startsWith(rule.trunk)) {
      // NANP numbers are commonly written without the leading 1.
      if (rule.countryCode !== '1') return null;
    } else {
      number = number.slice(rule.trunk.length);
    }
  }
  return fitsRule(rule, number) ? `+${rule.countryCode}${number}` : null;
}

/**
 * The E.164 form of `raw`, or `null` when it is absent, a placeholder, or not a valid number.
 * `region` (ISO 3166, e.g. `FR`) reads numbers written without a country code.
 */
export function normalisePhone(raw: string | null | undefined, region: string): string | null {
  if (raw === null || raw === undefined) return null;
  let text = raw.trim();
  if (text.toLowerCase().startsWith('tel:')) text = text.slice(4);
  text = text.replace(formatting, '');
  if (text.length === 0 || text.length > 20) return null;
  let result: string | null;
  if (text.startsWith('+')) result = /^\+\d+$/.test(text) ? international(text.slice(1)) : null;
  else if (!/^\d+$/.test(text)) result = null;
  else if (text.startsWith('00')) result = international(text.slice(2));
  else result = national(text, region);
  if (result === null || withheldCallerIds.has(result)) return null;
  // All one digit after the country code (+33 000000000, 1111111111) is a filler, not a subscriber.
  if (/^(\d)\1+$/.test(result.slice(-9))) return null;
  return result;
}
