import { once } from 'node:events';
import { appendFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ApiError, createClient } from '../../client';
import { freePort, waitUntil } from '../../devtools/localStack';
import { awsOperationsLogVariable } from '../../libraries/awsClients';
import { serveEnvironment, startServeProcess, type ServeProcess } from '../harness/serveProcess';

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'node-jobs-datafile-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** The file this file's `serve` records its AWS operations in. */
const ownAwsOperations = () => join(directory, 'aws-operations.jsonl');

/** Above a small search result (the 5 jobs in Dublin, about 9 kB), below the whole sample data set (about 430 kB). */
const fileSizeLimitBytes = 128 * 1024;

describe('a data_file that cannot be written', () => {
  let server: ServeProcess;
  beforeAll(async () => {
    // The process may not grow any file past the limit (RLIMIT_FSIZE): the kernel fails the write
    // of a large result with EFBIG, as a full disk fails it with ENOSPC. The logs go to the
    // standard streams (log_file -), which no size limit applies to.
    server = await startServeProcess(
      await freePort(),
      {
        ...serveEnvironment(directory, { log_file: '-', shutdown_delay_s: 0 }),
        // The suite's shared record of AWS operations outgrows the limit: this process keeps its
        // own, added to the shared one afterwards (the IAM check reads them all).
        [awsOperationsLogVariable]: ownAwsOperations(),
      },
      [],
      120_000,
      { fileSizeLimitBytes },
    );
  }, 150_000);
  afterAll(async () => {
    await server?.stop('SIGKILL');
    const recorded = await readFile(ownAwsOperations(), 'utf8').catch(() => '');
    if (recorded) await appendFile(inject('stack').awsOperationsLog, recorded);
  });

  it(
    'answers every search 200 with its jobs while the result cannot be written past the file size limit (EFBIG), keeps the previous data_file whole, and logs the failure once',
    { timeout: 120_000 },
    async () => {
      // The URL announced in a JSON line ends with its quote: the port is enough.
      const client = createClient({ baseURL: `http://127.0.0.1:${server.port}` });
      const dataFile = join(directory, 'userdata', 'data.json');
      const dublin = await client.jobs.search({ location: 'Dublin' });
      expect(dublin.length).toBeGreaterThan(0);
      expect(JSON.parse(await readFile(dataFile, 'utf8'))).toEqual(dublin);

      const searches = 20;
      const statuses: number[] = [];
      for (let i = 0; i < searches; i++) {
        try {
          const all = await client.jobs.search();
          expect(all).toHaveLength(240);
          statuses.push(200);
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          statuses.push(error.status);
        }
      }
      const failureLines = () =>
        server
          .output()
          .split('\n')
          .filter((line) => line.includes('EFBIG'));
      await waitUntil(async () => failureLines().length > 0, 10_000, 'the failure in the log');
      const closed = once(server.child, 'close');
      await server.stop();
      await closed;

      console.log(
        `data_file unwritable: ${statuses.filter((status) => status === 200).length} of ${searches} searches answered 200 (statuses ${[...new Set(statuses)].join(', ')}); ${failureLines().length} log lines name the failure`,
      );
      expect(statuses).toEqual(Array.from({ length: searches }, () => 200));
      expect(failureLines()).toHaveLength(1);
      // Nothing stored is lost: the previous result stays, whole, and no temporary file is left.
      expect(JSON.parse(await readFile(dataFile, 'utf8'))).toEqual(dublin);
      expect(await readdir(dirname(dataFile))).toEqual(['data.json']);
    },
  );
});
