/**
 * `npm run admin:create -- --email you@example.com --tenant "Acme" [--name "You"] [--slug acme] [--password-stdin]`
 *
 * Creates a new tenant and its first admin. There is no default admin and no default password: this
 * (or signup, or the operator key) is how the first account comes to exist. Without
 * `--password-stdin` a strong password is generated and printed once.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { databaseTarget } from '../app.ts';
import { ConfigError, loadConfig, type Config } from '../config/config.ts';
import { isAppError } from '../core/errors.ts';
import { createTenantWithAdmin, generatePassword } from '../services/auth/accounts.ts';
import { openDatabase, type DatabaseHandle } from '../store/database.ts';
import { DatabaseInUseError } from '../store/pglite-lock.ts';

export const usage = 'Usage: npm run admin:create -- --email <email> --tenant <tenant name> [--name <your name>] [--slug <tenant-slug>] [--password-stdin]';

export interface AdminCreateDeps {
  readonly config: Config;
  /** The whole of standard input (only read with --password-stdin). */
  readonly readStdin: () => Promise<string>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** An open, migrated database to use instead of the configured one (tests). */
  readonly database?: DatabaseHandle;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: {
      email: { type: 'string' },
      tenant: { type: 'string' },
      name: { type: 'string' },
      slug: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  }).values;
}

/** The command-line option a refused field came from: `body.email` → `--email`; the password is read by `--password-stdin`. */
function optionOf(path: string, generated: boolean): string {
  const field = path.replace(/^body\./, '');
  if (field === 'password') return generated ? 'the generated password' : 'the password read by --password-stdin';
  return `--${field === 'tenantName' ? 'tenant' : field}`;
}

/** Runs the command; resolves the process exit code (0 done, 1 refused or failed, 2 usage). */
export async function runAdminCreate(argv: readonly string[], deps: AdminCreateDeps): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    deps.err(`${error instanceof Error ? error.message : String(error)}\n${usage}\n`);
    return 2;
  }
  if (args.help || args.email === undefined || args.tenant === undefined) {
    deps.err(`${usage}\n`);
    return args.help ? 0 : 2;
  }
  const generated = !args['password-stdin'];
  const password = generated ? generatePassword() : (await deps.readStdin()).replace(/\r?\n$/, '');
  let database: DatabaseHandle;
  try {
    database = deps.database ?? (await openDatabase(databaseTarget(deps.config)));
  } catch (error) {
    if (!(error instanceof DatabaseInUseError)) throw error;
    deps.err(`${error.message}\n`);
    return 1;
  }
  try {
    if (!deps.database) await database.migrate();
    const { tenant, user } = await createTenantWithAdmin(database.db, {
      tenantName: args.tenant,
      tenantSlug: args.slug,
      email: args.email,
      password,
      displayName: args.name ?? null,
    });
    deps.out(`Created tenant "${tenant.name}" (slug ${tenant.slug}, id ${tenant.id}) and its admin ${user.email ?? ''}.\n`);
    if (generated) deps.out(`Password (shown once, store it now): ${password}\n`);
    deps.out(`Log in with POST ${deps.config.http.publicUrl}/v1/auth/login {"email","password"}; see docs/authentication.md.\n`);
    return 0;
  } catch (error) {
    if (!isAppError(error)) throw error;
    const details = error.details?.map((d) => ` (${optionOf(d.path, generated)} ${d.message})`).join('') ?? '';
    deps.err(`Refused: ${error.message}${details}\n`);
    return 1;
  } finally {
    if (!deps.database) await database.close();
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function isMain(): boolean {
  const entry = process.argv[1];
  return entry !== undefined && realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
}

if (isMain()) {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(2);
  }
  const code = await runAdminCreate(process.argv.slice(2), {
    config,
    readStdin: () => readAll(process.stdin),
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
  process.exit(code);
}
