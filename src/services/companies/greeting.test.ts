import { describe, expect, it } from 'vitest';
import { promptTemplate } from './documents.ts';
import { renderGreeting, unknownPlaceholders } from './greeting.ts';

describe('renderGreeting', () => {
  it('fills {{companyName}}, with or without spaces inside the braces, every time it appears', () => {
    expect(renderGreeting('Bonjour et bienvenue chez {{companyName}}. {{ companyName }} vous écoute.', { name: 'Acme & Fils' })).toBe(
      'Bonjour et bienvenue chez Acme & Fils. Acme & Fils vous écoute.',
    );
  });

  it('takes the name literally ($& and the like are not replacement patterns)', () => {
    expect(renderGreeting('Chez {{companyName}}', { name: 'Cost $& Co' })).toBe('Chez Cost $& Co');
  });

  it('drops placeholders it does not know rather than reading them out', () => {
    expect(renderGreeting('Bonjour {{firstName}}, ici {{companyName}}', { name: 'Acme' })).toBe('Bonjour , ici Acme');
  });
});

describe('prompt templates', () => {
  it('are refused with an unknown placeholder, naming it', () => {
    expect(unknownPlaceholders('Hi {{companyName}} {{agent}} {{ x }}')).toEqual(['agent', 'x']);
    const parsed = promptTemplate.safeParse('Bonjour {{prenom}}');
    expect(parsed.error?.issues[0]?.message).toContain('{{prenom}}');
    expect(promptTemplate.safeParse('Bonjour, ici {{companyName}}').success).toBe(true);
  });
});
