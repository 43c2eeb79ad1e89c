import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { portAnswers, waitUntil } from '../../devtools/localStack';

/** The nginx configuration the README documents; the proxy tests render this very file. */
export const nginxTemplate = fileURLToPath(new URL('../../deploy/nginx/node-jobs.conf.template', import.meta.url));

/** nginx as installed by Debian's package (`/usr/sbin` is not always on a test's PATH). */
export function nginxBinary(): string {
  const found = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).stdout.trim();
  if (found) return found;
  if (existsSync('/usr/sbin/nginx')) return '/usr/sbin/nginx';
  throw new Error('nginx is not installed (apt-get install nginx; .ci/run installs it).');
}

/** Fills the template's placeholders, as the official nginx image does with its environment. */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\$\{(NODE_JOBS_[A-Z_]+)\}/g, (placeholder, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No value for ${placeholder} in the nginx template.`);
    return value;
  });
}

/** An nginx started by a test: in the foreground, every path in its own folder. */
export interface Nginx {
  readonly url: string;
  /** Its access log so far (one line per request: status, upstream, time). */
  accessLog(): Promise<string>;
  /** Its error log so far (warnings and up: upstreams refused, reset or cut). */
  errorLog(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts nginx on `port` in front of the processes listening on `upstreamPorts` (127.0.0.1), with the
 * project's template, `daemon off`, its pid, logs and temporary files under `directory`.
 */
export async function startNginx(directory: string, port: number, upstreamPorts: number[]): Promise<Nginx> {
  await mkdir(join(directory, 'temp'), { recursive: true });
  const site = renderTemplate(await readFile(nginxTemplate, 'utf8'), {
    NODE_JOBS_LISTEN: `127.0.0.1:${port}`,
    NODE_JOBS_UPSTREAMS: upstreamPorts
      .map((upstream) => `server 127.0.0.1:${upstream} max_fails=1 fail_timeout=5s;`)
      .join('\n    '),
  });
  await writeFile(join(directory, 'node-jobs.conf'), site);
  const temp = (name: string) => join(directory, 'temp', name);
  const main = `daemon off;
${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
pid ${join(directory, 'nginx.pid')};
error_log ${join(directory, 'error.log')} warn;
events { worker_connections 1024; }
http {
    log_format upstreams '$status $request_method $uri $upstream_addr $upstream_status $request_time';
    access_log ${join(directory, 'access.log')} upstreams;
    client_body_temp_path ${temp('body')};
    proxy_temp_path ${temp('proxy')};
    fastcgi_temp_path ${temp('fastcgi')};
    uwsgi_temp_path ${temp('uwsgi')};
    scgi_temp_path ${temp('scgi')};
    include ${join(directory, 'node-jobs.conf')};
}
`;
  const configFile = join(directory, 'nginx.conf');
  await writeFile(configFile, main);
  const child: ChildProcess = spawn(nginxBinary(), ['-p', directory, '-c', configFile], { stdio: 'pipe' });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stopped = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitUntil(
      async () => {
        if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}): ${output}`);
        return portAnswers(port);
      },
      20_000,
      'nginx to listen',
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    accessLog: () => readFile(join(directory, 'access.log'), 'utf8').catch(() => ''),
    errorLog: () => readFile(join(directory, 'error.log'), 'utf8').catch(() => ''),
    async stop() {
      if (child.exitCode === null) child.kill('SIGQUIT');
      await stopped;
    },
  };
}
