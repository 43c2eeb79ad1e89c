import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * `npm run test:stress`: the whole vitest suite beside a busy loop on every core, so a test that
 * depends on how loaded the machine is fails here rather than on someone's first run.
 * Arguments are passed to vitest (e.g. a test file).
 */

const burnerSource = 'for (;;) {}';
const cores = availableParallelism();
const burners = Array.from({ length: cores }, () => new Worker(burnerSource, { eval: true }));
console.log(`test:stress: ${cores} CPU burner thread(s) running beside the suite`);

const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));
const started = Date.now();
const suite = spawn(process.execPath, [vitest, 'run', ...process.argv.slice(2)], { stdio: 'inherit' });
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
