import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * `npm run test:stress`: the load-sensitive tests beside a busy loop on every core, so a test that
 * depends on how loaded the machine is fails here rather than on someone's first run.
 * Arguments are passed to vitest instead (e.g. a test file, or `tests` for the whole suite).
 */

/**
 * The tests whose outcome depends on timing: several processes, sockets, races, outages and
 * limits. The rest (validation, files, the SDK's HTTP side) runs the same on a busy machine.
 */
const loadSensitive = [
  'tests/resilience/',
  'tests/e2e/serve.',
  'tests/e2e/proxy.nginx',
  'tests/e2e/accounts.processes',
  'tests/e2e/statistics.service',
  'tests/e2e/realtime.',
  'tests/e2e/sessions.races',
  'tests/e2e/sessions.lostMessages',
  'tests/e2e/sessions.clocks',
  'tests/e2e/sdk.auth',
  'tests/e2e/outage.logs',
  'tests/e2e/dynamodb.outage',
  'tests/e2e/sessions.redis.outage',
  'tests/e2e/mail.outage',
  'tests/e2e/health.probes',
  'tests/e2e/connections.limit',
  'tests/e2e/rate.limit',
];

const burnerSource = 'for (;;) {}';
const cores = availableParallelism();
const burners = Array.from({ length: cores }, () => new Worker(burnerSource, { eval: true }));
console.log(`test:stress: ${cores} CPU burner thread(s) running beside the suite`);

const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const started = Date.now();
const suite = spawn(
  process.execPath,
  [vitest, 'run', ...(process.argv.length > 2 ? process.argv.slice(2) : loadSensitive)],
  { stdio: 'inherit' },
);
const stopBurners = () => Promise.all(burners.map((burner) => burner.terminate()));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => suite.kill(signal));
suite.on('exit', (code, signal) => {
  void stopBurners().then(() => {
    console.log(
      `test:stress: the suite ${code === 0 ? 'passed' : 'failed'} under load in ${Math.round((Date.now() - started) / 1000)} s`,
    );
    process.exit(code ?? (signal ? 1 : 0));
  });
});
