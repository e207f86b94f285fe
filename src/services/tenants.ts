import { randomBytes } from 'node:crypto';
import { AppError } from '../core/errors.ts';
import type { Executor } from '../store/database.ts';
import { createAgent } from '../store/queries/agents.ts';
import { createTenantIfSlugFree } from '../store/queries/tenants.ts';
import type { TenantRow } from '../store/schema/tenants.ts';
import { agentFromTemplate } from './agent-templates.ts';

export const slugPattern = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/;

/** A URL-safe handle from a display name: `Acme Corp.` → `acme-corp`. */
export function slugify(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return base === '' ? 'tenant' : base;
}

/**
 * Creates a tenant with its default agent (from the assistant template). With an explicit slug a
 * taken one is `slug_taken`; a derived slug gets a random suffix until it is free.
 */
export async function createTenantWithDefaults(db: Executor, params: { name: string; slug?: string | undefined }): Promise<TenantRow> {
  return db.transaction(async (tx) => {
    let tenant: TenantRow | undefined;
    if (params.slug !== undefined) {
      tenant = await createTenantIfSlugFree(tx, { name: params.name, slug: params.slug });
      if (!tenant) throw new AppError('slug_taken', `The tenant slug "${params.slug}" is taken`);
    } else {
      const base = slugify(params.name);
      for (let attempt = 0; !tenant && attempt < 5; attempt += 1) {
        const slug = attempt === 0 ? base : `${base}-${randomBytes(3).toString('hex')}`;
        tenant = await createTenantIfSlugFree(tx, { name: params.name, slug });
      }
      if (!tenant) throw new Error('could not find a free tenant slug');
    }
    await createAgent(tx, { tenantId: tenant.id, ownerUserId: null, isDefault: true, fields: agentFromTemplate('assistant') });
    return tenant;
  });
}
