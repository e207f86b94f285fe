/** The variables a company's prompts may use, written `{{companyName}}`. */
export const promptVariables = ['companyName'] as const;

const placeholder = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The placeholders of a template that are not known variables (refused when a prompt is saved). */
export function unknownPlaceholders(template: string): string[] {
  const known: readonly string[] = promptVariables;
  return [...template.matchAll(placeholder)].map((m) => m[1] ?? '').filter((name) => !known.includes(name));
}

/**
 * A prompt with its variables filled in: `{{companyName}}` (spaces inside the braces allowed)
 * becomes the company's name. Unknown placeholders cannot be saved; any that slipped through are
 * dropped rather than read out to a caller.
 */
export function renderGreeting(template: string, company: { readonly name: string }): string {
  return template
    .replace(placeholder, (_whole, name: string) => (name === 'companyName' ? company.name : ''))
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}
