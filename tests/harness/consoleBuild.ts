import { buildConsole } from '../../scripts/build-console';

/** Builds the web console into `dist/console/` once per run, so test servers can serve it. */
export default async function setup(): Promise<void> {
  await buildConsole();
}
