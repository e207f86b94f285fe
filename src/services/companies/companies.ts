import type { z } from 'zod';
import type { Clock } from '../../core/clock.ts';
import { AppError, type FieldIssue } from '../../core/errors.ts';
import { isUuid, newId } from '../../core/ids.ts';
import type { Principal } from '../../core/principal.ts';
import type { Database, Executor } from '../../store/database.ts';
import { deleteTenant, getCompanyProfile, renameTenant, upsertCompanyProfile, type CompanyProfileChanges } from '../../store/queries/company-profiles.ts';
import { countOpenCalls } from '../../store/queries/open-calls.ts';
import { getTenant, lockTenant } from '../../store/queries/tenants.ts';
import type { CompanyProfileRow } from '../../store/schema/company-profiles.ts';
import type { TenantRow } from '../../store/schema/tenants.ts';
import { createTenantWithDefaults } from '../tenants.ts';
import { businessHoursShape, type BusinessHours } from './business-hours.ts';
import { profileDocuments, type Address, type ProfileDocuments, type Settings, type TransferSettings, type VoiceAssistant, type VoiceConfig } from './documents.ts';
import { customResponsesSchema, normaliseForMatching, type CustomResponse } from './keyword-responses.ts';

/** A company as clients see it: the tenant (id, name) with its profile, defaults filled in. */
export interface Company extends ProfileDocuments {
  readonly id: string;
  readonly name: string;
  readonly slug: string;
  readonly description: string | null;
  readonly phone: string | null;
  readonly email: string | null;
  readonly website: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The plain fields of a company; `null` clears one. */
export interface CompanyDetails {
  readonly name?: string | undefined;
  readonly description?: string | null | undefined;
  readonly phone?: string | null | undefined;
  readonly email?: string | null | undefined;
  readonly website?: string | null | undefined;
  readonly address?: Address | null | undefined;
}

/** A partial update as a client sends it: an absent or undefined field keeps its stored value. */
export type Patch<T> = { readonly [K in keyof T]?: T[K] | undefined };

function merged<T extends object>(current: T, patch: Patch<T>): T {
  const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
  return { ...current, ...defined };
}

/** A stored document that no longer matches its schema is a server fault, not the client's. */
function stored<T>(schema: z.ZodType<T>, value: unknown, fallback: T, column: string, tenantId: string): T {
  if (value === null || value === undefined) return fallback;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`company_profiles.${column} of tenant ${tenantId} does not match its schema`);
  return parsed.data;
}

/** Validates a document about to be written; failures name the request field (`body.phoneNumber`). */
export function checked<T>(schema: z.ZodType<T>, value: unknown, path: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details: FieldIssue[] = parsed.error.issues.map((issue) => ({ path: [path, ...issue.path.map(String)].join('.'), message: issue.message }));
  throw new AppError('validation_failed', 'The request is invalid', { details });
}

export function companyOf(tenant: TenantRow, row: CompanyProfileRow | undefined): Company {
  const doc = profileDocuments;
  const id = tenant.id;
  return {
    id,
    name: tenant.name,
    slug: tenant.slug,
    description: row?.description ?? null,
    phone: row?.phone ?? null,
    email: row?.email ?? null,
    website: row?.website ?? null,
    address: stored(doc.address.schema, row?.address, null, 'address', id),
    settings: stored(doc.settings.schema, row?.settings, doc.settings.fallback, 'settings', id),
    businessHours: stored(doc.businessHours.schema, row?.businessHours, doc.businessHours.fallback, 'business_hours', id),
    voiceConfig: stored(doc.voiceConfig.schema, row?.voiceConfig, doc.voiceConfig.fallback, 'voice_config', id),
    customResponses: stored(doc.customResponses.schema, row?.customResponses, doc.customResponses.fallback, 'custom_responses', id),
    transferSettings: stored(doc.transferSettings.schema, row?.transferSettings, doc.transferSettings.fallback, 'transfer_settings', id),
    voiceAssistant: stored(doc.voiceAssistant.schema, row?.voiceAssistant, doc.voiceAssistant.fallback, 'voice_assistant', id),
    createdAt: tenant.createdAt,
    updatedAt: row && row.updatedAt > tenant.updatedAt ? row.updatedAt : tenant.updatedAt,
  };
}

function detailChanges(details: CompanyDetails): CompanyProfileChanges {
  const { description, phone, email, website, address } = details;
  return {
    ...(description === undefined ? {} : { description }),
    ...(phone === undefined ? {} : { phone }),
    ...(email === undefined ? {} : { email }),
    ...(website === undefined ? {} : { website }),
    ...(address === undefined ? {} : { address: checked(profileDocuments.address.schema, address, 'body.address') }),
  };
}

/** A company's calls still in progress (created, active or ending in the last day) block its deletion. */
const openCallWindowMs = 24 * 3_600_000;

/**
 * Companies (Lydia): a tenant and its profile. A principal reaches only its own tenant: any other
 * id is `company_not_found`, whether it exists or not. Changes read, merge, validate and write
 * inside one transaction holding the tenant row, so concurrent edits never lose each other's work.
 */
export class Companies {
  readonly #db: Database;
  readonly #clock: Clock;

  constructor(deps: { readonly db: Database; readonly clock: Clock }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
  }

  /** The caller's company by id; another tenant's id is answered exactly like an unknown one. */
  async get(principal: Principal, companyId: string): Promise<Company> {
    const company = await this.forTenant(this.#ownId(principal, companyId));
    if (!company) throw new AppError('company_not_found', 'Company not found');
    return company;
  }

  async own(principal: Principal): Promise<Company> {
    return this.get(principal, principal.tenantId);
  }

  /** Any tenant's company, for server-side use (the phone assistant picks it from the called number). */
  async forTenant(tenantId: string, db: Executor = this.#db): Promise<Company | undefined> {
    const tenant = await getTenant(db, { tenantId });
    if (!tenant) return undefined;
    return companyOf(tenant, await getCompanyProfile(db, { tenantId }));
  }

  async updateDetails(principal: Principal, companyId: string, details: CompanyDetails): Promise<Company> {
    return this.#modify(principal, companyId, async (_company, tx) => {
      if (details.name !== undefined) await renameTenant(tx, { tenantId: companyId, name: details.name });
      return detailChanges(details);
    });
  }

  async replaceSettings(principal: Principal, companyId: string, settings: Settings): Promise<Company> {
    return this.#modify(principal, companyId, () => ({ settings: checked(profileDocuments.settings.schema, settings, 'body.settings') }));
  }

  /** Days and time zone given replace the stored ones; the others stay. */
  async updateBusinessHours(principal: Principal, companyId: string, patch: Patch<BusinessHours>): Promise<Company> {
    return this.#modify(principal, companyId, (company) => ({ businessHours: checked(businessHoursShape, merged(company.businessHours, patch), 'body') }));
  }

  async updateVoiceConfig(principal: Principal, companyId: string, patch: Patch<VoiceConfig>): Promise<Company> {
    return this.#modify(principal, companyId, (company) => ({ voiceConfig: checked(profileDocuments.voiceConfig.schema, merged(company.voiceConfig, patch), 'body') }));
  }

  async updateTransferSettings(principal: Principal, companyId: string, patch: Patch<TransferSettings>): Promise<Company> {
    return this.#modify(principal, companyId, (company) => ({
      transferSettings: checked(profileDocuments.transferSettings.schema, merged(company.transferSettings, patch), 'body'),
    }));
  }

  /** Prompts and company facts given replace the stored ones, field by field. */
  async updateVoiceAssistant(
    principal: Principal,
    companyId: string,
    patch: { readonly prompts?: Patch<VoiceAssistant['prompts']> | undefined; readonly companyInfo?: Patch<VoiceAssistant['companyInfo']> | undefined },
  ): Promise<Company> {
    return this.#modify(principal, companyId, (company) => {
      const current = company.voiceAssistant;
      const next = { prompts: merged(current.prompts, patch.prompts ?? {}), companyInfo: merged(current.companyInfo, patch.companyInfo ?? {}) };
      return { voiceAssistant: checked(profileDocuments.voiceAssistant.schema, next, 'body') };
    });
  }

  /** Replaces the whole list; entries without an id get one. */
  async replaceCustomResponses(principal: Principal, companyId: string, entries: readonly { id?: string | undefined; keyword: string; response: string }[]): Promise<Company> {
    const list = entries.map((e) => ({ id: e.id ?? newId(), keyword: e.keyword, response: e.response }));
    return this.#modify(principal, companyId, () => ({ customResponses: checked(customResponsesSchema, list, 'body.customResponses') }));
  }

  /** Adds a keyword response, or changes the response of the same keyword (compared as matching compares). */
  async saveCustomResponse(principal: Principal, companyId: string, entry: { keyword: string; response: string }): Promise<{ company: Company; saved: CustomResponse; created: boolean }> {
    let saved: CustomResponse | undefined;
    let created = false;
    const company = await this.#modify(principal, companyId, (current) => {
      const key = normaliseForMatching(entry.keyword);
      const existing = current.customResponses.find((r) => normaliseForMatching(r.keyword) === key);
      created = existing === undefined;
      saved = { id: existing?.id ?? newId(), keyword: entry.keyword, response: entry.response };
      const next = saved;
      const list = existing ? current.customResponses.map((r) => (r.id === existing.id ? next : r)) : [...current.customResponses, next];
      return { customResponses: checked(customResponsesSchema, list, 'body') };
    });
    if (!saved) throw new Error('custom response not saved');
    return { company, saved, created };
  }

  /** Removes a keyword response by id; an unknown id changes nothing (idempotent). */
  async deleteCustomResponse(principal: Principal, companyId: string, responseId: string): Promise<Company> {
    return this.#modify(principal, companyId, (company) => ({ customResponses: company.customResponses.filter((r) => r.id !== responseId) }));
  }

  /** Operator: a new tenant with its default agent, and its profile when details are given. */
  async create(params: CompanyDetails & { readonly name: string; readonly slug?: string | undefined }): Promise<Company> {
    const changes = detailChanges({ ...params, name: undefined });
    return this.#db.transaction(async (tx) => {
      const tenant = await createTenantWithDefaults(tx, { name: params.name, slug: params.slug });
      const row = Object.keys(changes).length > 0 ? await upsertCompanyProfile(tx, { tenantId: tenant.id, changes }) : undefined;
      return companyOf(tenant, row);
    });
  }

  /** Operator: deletes the tenant and everything it owns (users, calls, transcripts, keys), unless calls are in progress. */
  async delete(companyId: string): Promise<void> {
    if (!isUuid(companyId)) throw new AppError('company_not_found', 'Company not found');
    await this.#db.transaction(async (tx) => {
      if (!(await lockTenant(tx, { tenantId: companyId }))) throw new AppError('company_not_found', 'Company not found');
      const since = new Date(this.#clock.nowMs() - openCallWindowMs);
      if ((await countOpenCalls(tx, { tenantId: companyId, liveSince: since, createdSince: since })) > 0) {
        throw new AppError('call_in_progress', 'This company has calls in progress; end them before deleting it');
      }
      await deleteTenant(tx, { tenantId: companyId });
    });
  }

  #ownId(principal: Principal, companyId: string): string {
    if (companyId !== principal.tenantId) throw new AppError('company_not_found', 'Company not found');
    return companyId;
  }

  async #modify(
    principal: Principal,
    companyId: string,
    change: (company: Company, tx: Executor) => CompanyProfileChanges | Promise<CompanyProfileChanges>,
  ): Promise<Company> {
    const tenantId = this.#ownId(principal, companyId);
    return this.#db.transaction(async (tx) => {
      const tenant = await lockTenant(tx, { tenantId });
      if (!tenant) throw new AppError('company_not_found', 'Company not found');
      const current = companyOf(tenant, await getCompanyProfile(tx, { tenantId }));
      const changes = await change(current, tx);
      await upsertCompanyProfile(tx, { tenantId, changes });
      const company = await this.forTenant(tenantId, tx);
      if (!company) throw new AppError('company_not_found', 'Company not found');
      return company;
    });
  }
}
