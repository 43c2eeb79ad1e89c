import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as sdk from '../../client/index';

const file = (path: string) => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');
const readme = file('packages/client/README.md');

/** The member names of an interface declared in a file of the SDK. */
function interfaceMembers(path: string, name: string): string[] {
  const source = ts.createSourceFile(path, file(path), ts.ScriptTarget.Latest);
  const declaration = source.statements.find(
    (statement): statement is ts.InterfaceDeclaration =>
      ts.isInterfaceDeclaration(statement) && statement.name.text === name,
  );
  if (!declaration) throw new Error(`${path} declares no interface ${name}.`);
  return declaration.members.map((member) => member.name!.getText(source));
}

describe("node-jobs-client's README", () => {
  it('documents every call of the client, with the namespace it is called on', () => {
    const namespaces = {
      jobs: interfaceMembers('client/jobs.ts', 'JobsApi'),
      users: [...interfaceMembers('client/users.ts', 'UsersApi'), ...interfaceMembers('client/images.ts', 'ImagesApi')],
      sessions: interfaceMembers('client/sessions.ts', 'SessionsApi'),
    };
    for (const [namespace, methods] of Object.entries(namespaces))
      for (const method of methods)
        expect(readme, `client.${namespace}.${method}`).toContain(`client.${namespace}.${method}(`);
    const clientMembers = interfaceMembers('client/index.ts', 'NodeJobsClient').filter(
      (member) => !(member in namespaces),
    );
    for (const member of clientMembers) expect(readme, `client.${member}`).toContain(`client.${member}`);
  });

  it('documents every method of a real-time connection and of a token storage', () => {
    for (const method of interfaceMembers('client/realtime.ts', 'RealtimeConnection'))
      expect(readme, `live.${method}`).toMatch(new RegExp(`live\\.${method}\\b`));
    for (const method of interfaceMembers('client/storage.ts', 'TokenStorage'))
      expect(readme, `TokenStorage.${method}`).toContain(`${method}(`);
  });

  it('documents every socket event, both ways', () => {
    const events = [
      ...interfaceMembers('client/types.ts', 'ServerToClientEvents'),
      ...interfaceMembers('client/types.ts', 'ClientToServerEvents'),
    ];
    expect(events.length).toBeGreaterThanOrEqual(7);
    for (const event of events) expect(readme, event).toContain(`| \`${event}\``);
  });

  it('names every value the package exports', () => {
    for (const name of Object.keys(sdk)) expect(readme, name).toMatch(new RegExp(`\\b${name}\\b`));
  });

  it('stands on its own on npm: no link into the repository', () => {
    expect(readme).not.toMatch(/\]\(\.{1,2}\//);
  });
});
