import { describe, expect, it } from 'vitest';
import { normalisePhone } from './phone.ts';

describe('normalisePhone', () => {
  it.each([
    ['06 12 34 56 78', 'FR', '+33612345678'],
    ['06.12.34.56.78', 'FR', '+33612345678'],
    ['06-12-34-56-78', 'FR', '+33612345678'],
    ['+33 6 12 34 56 78', 'FR', '+33612345678'],
    ['+33 (0)6 12 34 56 78', 'FR', '+33612345678'],
    ['0033612345678', 'FR', '+33612345678'],
    ['tel:+33612345678', 'FR', '+33612345678'],
    ['01\u00a023\u00a045\u00a067\u00a089', 'FR', '+33123456789'],
    ['+32 470 12 34 56', 'FR', '+32470123456'],
    ['+44 (0)20 7946 0958', 'FR', '+442079460958'],
    ['020 7946 0958', 'GB', '+442079460958'],
    ['(212) 555-0147', 'US', '+12125550147'],
    ['1 212 555 0147', 'US', '+12125550147'],
    ['+1 212 555 0147', 'FR', '+12125550147'],
    ['612 345 678', 'ES', '+34612345678'],
    ['+81 3 1234 5678', 'FR', '+81312345678'],
  ])('%s in %s → %s', (raw, region, expected) => {
    expect(normalisePhone(raw, region)).toBe(expected);
  });

  it.each([
    [null, 'absent'],
    ['', 'empty'],
    ['Non fourni', 'a placeholder'],
    ['inconnu', 'a word'],
    ['06 12 34 56', 'too short for France'],
    ['06 12 34 56 78 9', 'too long for France'],
    ['+33 0 12 34 56 78', 'a trunk zero that does not make it fit'],
    ['612345678', 'a French number without its trunk prefix (ambiguous)'],
    ['+999 123 456 789', 'an unassigned country code'],
    ['+266696687', 'Twilio anonymous caller'],
    ['+7378742833', 'Twilio restricted caller'],
    ['client:alice', 'a Twilio Client identity'],
    ['sip:alice@example.com', 'a SIP address'],
    ['00 00 00 00 00', 'all zeros'],
    ['06 66 66 66 66', 'one digit repeated: a filler'],
    ['(112) 555-0147', 'a US area code starting with 1'],
    ['06 12 34 56 78 ext 2', 'an extension'],
  ])('%s (%s) → null', (raw, why) => {
    expect(normalisePhone(raw, 'FR'), why).toBeNull();
  });

  it('reads a national number only in a region it knows', () => {
    expect(normalisePhone('0612345678', 'ZZ')).toBeNull();
    expect(normalisePhone('+33612345678', 'ZZ')).toBe('+33612345678');
  });
});
