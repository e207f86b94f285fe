import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy } from './account-rules.ts';
import { currentScryptParams, hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from './passwords.ts';

describe('password hashing', () => {
  it('stores scrypt with its parameters and a per-user salt, and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^\$scrypt\$ln=15,r=8,p=3\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('correct horse battery', '$scrypt$garbage')).toBe(false);
    expect(await verifyPassword('correct horse battery', 'plain text')).toBe(false);
  });

  it('verifies hashes made with older parameters and flags them for rehashing', async () => {
    const weak = await hashPassword('correct horse battery', { ln: 12, r: 8, p: 1 });
    expect(weak.startsWith('$scrypt$ln=12,r=8,p=1$')).toBe(true);
    expect(await verifyPassword('correct horse battery', weak)).toBe(true);
    expect(needsRehash(weak)).toBe(true);
    expect(needsRehash(await hashPassword('x'.repeat(12), currentScryptParams))).toBe(false);
  });

  it('spends a verification when there is no account, and says no', async () => {
    expect(await verifyAgainstDummy('anything at all')).toBe(false);
  });
});

describe('password policy', () => {
  it('wants 10 to 128 characters, not the email, and names the field', () => {
    expect(() => { checkPasswordPolicy('short', null, 'body.password'); }).toThrow(expect.objectContaining({ code: 'validation_failed', details: [{ path: 'body.password', message: 'must be at least 10 characters, not counting spaces' }] }));
    expect(() => { checkPasswordPolicy('x'.repeat(129), null, 'body.password'); }).toThrow(expect.objectContaining({ details: [expect.objectContaining({ message: 'must be at most 128 characters' })] }));
    expect(() => { checkPasswordPolicy('Alice@Example.com', 'alice@example.com', 'body.newPassword'); }).toThrow(expect.objectContaining({ details: [{ path: 'body.newPassword', message: 'must not be your email address' }] }));
    expect(() => { checkPasswordPolicy('a fine passphrase', 'alice@example.com', 'body.password'); }).not.toThrow();
  });
});

describe('password policy: blanks and common passwords', () => {
  const problemOf = (password: string) => {
    try {
      checkPasswordPolicy(password, null, 'body.password');
      return undefined;
    } catch (error) {
      return (error as { details?: { message: string }[] }).details?.[0]?.message;
    }
  };

  it('refuses a password of spaces, and counts only characters that are not spaces', () => {
    expect(problemOf(' '.repeat(12))).toBe('must not be blank');
    expect(problemOf('\t\n'.repeat(8))).toBe('must not be blank');
    expect(problemOf('a b c d e f g h i')).toBe('must be at least 10 characters, not counting spaces');
    expect(problemOf('a b c d e f g h i j')).toBeUndefined();
  });

  it('refuses the most common long passwords, whatever their case', () => {
    for (const common of ['1234567890', 'qwertyuiop', 'Password123', ' iloveyou123 ']) expect(problemOf(common), common).toBe('is one of the most common passwords; choose another');
    expect(problemOf('correct horse battery staple')).toBeUndefined();
  });
});
