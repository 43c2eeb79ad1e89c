/**
 * CPU profiles of a bench server around one load (`npm run bench -- --quick --profile`): the V8
 * sampling profiler through the inspector, written as `.cpuprofile` (open it in Chrome DevTools)
 * and summarized as where the self time went, by function and by package.
 */
import { Session } from 'node:inspector/promises';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Where a profile's self time went: the top functions and packages, in % of the busy samples (idle left out). */
export interface ProfileSummary {
  file: string;
  samples: number;
  functions: { name: string; percent: number }[];
  packages: { name: string; percent: number }[];
}

let session: Session | undefined;

/** Starts sampling this process's CPU. */
export async function startProfile(): Promise<void> {
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
}

/** Stops sampling, writes `<dir>/<name>.cpuprofile` and answers its summary. */
export async function stopProfile(dir: string, name: string): Promise<ProfileSummary> {
  if (!session) throw new Error('no profile was started');
  const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
  session.disconnect();
  session = undefined;
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name.replace(/[^\w.-]+/g, '_')}.cpuprofile`);
  await writeFile(file, JSON.stringify(profile));
  return { file, ...summarize(profile) };
}

/** The package (or project folder) a script URL belongs to: `express`, `@aws-sdk/client-dynamodb`, `node:internal`, `services/`. */
function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0] === 'internal' ? 'internal' : url.slice(5)}`;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 14).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const project = /\/(bench|client|config|http|libraries|models|services|commands)\//.exec(url);
  return project ? `${project[1]}/` : url.startsWith('file:') ? 'project' : url;
}

/** Self time by function and by package, the ten largest of each. */
export function summarize(profile: CpuProfile): Omit<ProfileSummary, 'file'> {
  const samples = profile.samples ?? [];
  const hits = new Map<number, number>();
  for (const id of samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let busy = 0;
  for (const node of profile.nodes) {
    const count = hits.get(node.id) ?? 0;
    if (count === 0 || node.callFrame.functionName === '(idle)') continue;
    busy += count;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url
      ? `${url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*?\/(?=[^/]+\/[^/]+$)/, '')}:${lineNumber + 1}`
      : '';
    const name = `${functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + count);
    const pkg = packageOf(url, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + count);
  }
  const total = Math.max(1, busy);
  const top = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([name, count]) => ({ name, percent: Math.round((1000 * count) / total) / 10 }));
  return { samples: samples.length, functions: top(byFunction), packages: top(byPackage) };
}
