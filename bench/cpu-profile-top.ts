/**
 * Summarises a `.cpuprofile` (V8 / Chrome DevTools format): the functions with the most self time,
 * and the packages (node_modules/<name>, node: internals, src/…) they belong to.
 *
 *   npx tsx bench/cpu-profile-top.ts /tmp/relay-100.cpuprofile [top=40]
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

/** Where a script URL belongs: a package, a Node internal, or a project path. */
export function ownerOf(url: string): string {
  if (url === '') return '(native / VM)';
  if (url.startsWith('node:')) return url;
  // The innermost package: engine.io ships its own copy of ws (engine.io/node_modules/ws).
  const modules = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules?.[1] !== undefined) return modules[1];
  const project = /\/(src|bench)\/(.+)$/.exec(url);
  return project ? `${project[1] ?? ''}/${project[2] ?? ''}` : url;
}

function top(totals: Map<string, number>, count: number, totalUs: number): string[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => `${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / totalUs).toFixed(1).padStart(5)} %  ${name}`);
}

export function summarise(profile: CpuProfile, count: number): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    totalUs += us;
    if (frame.functionName === '(idle)') idleUs += us;
    const file = frame.url.replace(/^.*?\/(node_modules\/|src\/|bench\/)/, '$1');
    const name = `${frame.functionName === '' ? '(anonymous)' : frame.functionName} ${file}:${String(frame.lineNumber + 1)}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    const owner = ownerOf(frame.url);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  return [
    `profile ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s, sampled ${(totalUs / 1e6).toFixed(2)} s, busy ${(busyUs / 1e6).toFixed(2)} s (${((100 * busyUs) / totalUs).toFixed(1)} %)`,
    '',
    'self time by owner:',
    ...top(byOwner, 25, totalUs),
    '',
    'self time by function:',
    ...top(byFunction, count, totalUs),
  ].join('\n');
}

const [file, count] = process.argv.slice(2);
if (file !== undefined) {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  process.stdout.write(`${summarise(profile, Number(count ?? 40))}\n`);
}
