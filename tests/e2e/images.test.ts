import { GetBucketCorsCommand, S3Client } from '@aws-sdk/client-s3';
import axios from 'axios';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { maxImageBytes, type NodeJobsClient, type PublicUser } from '../../client';
import { createImagesApi } from '../../client/images';
import { localS3Credentials, ProfileImages } from '../../libraries/s3client';
import { makeAdminThroughCli } from '../harness/cli';
import { failure } from '../harness/failure';
import { startTestServer, type TestServer } from '../harness/testServer';
import { signUp } from '../harness/users';

/** A 1×1 PNG and a 1×1 GIF. */
const png = new Uint8Array(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  ),
);
const gif = new Uint8Array(Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64'));

interface Member {
  client: NodeJobsClient;
  user: PublicUser;
}

let server: TestServer;
let alice: Member;
let bob: Member;
let admin: Member;

/** Registers a user and logs a fresh client in, through the SDK. */
async function newMember(): Promise<Member> {
  const client = server.client();
  const { user } = await signUp(client);
  return { client, user };
}

/** Reads a picture back over its URL, following redirects, as an `<img>` would. */
async function download(url: string): Promise<{ status: number; type: string | null; bytes: Uint8Array }> {
  const response = await fetch(url);
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    bytes: new Uint8Array(await response.arrayBuffer()),
  };
}

beforeAll(async () => {
  server = await startTestServer();
  [alice, bob, admin] = await Promise.all([newMember(), newMember(), newMember()]);
  await makeAdminThroughCli(server, admin.user.email);
});

afterAll(async () => {
  await server?.stop();
});

describe('uploading a profile picture through the SDK', () => {
  it('stores the bytes and type of a PNG at the public URL that the user shows as image', async () => {
    const url = await alice.client.users.uploadImage(alice.user.id, Buffer.from(png), 'image/png');

    const stored = await download(url);
    expect(stored.status).toBe(200);
    expect(stored.type).toBe('image/png');
    expect(stored.bytes).toEqual(png);
    expect(url).toBe(alice.user.image);
    expect((await bob.client.users.get(alice.user.id)).image).toBe(url);
  });

  it('sends exactly the bytes of a Uint8Array that views part of a larger buffer', async () => {
    const larger = new Uint8Array(png.length + 64).fill(0xff);
    larger.set(png, 32);
    const url = await bob.client.users.uploadImage(bob.user.id, larger.subarray(32, 32 + png.length), 'image/png');
    expect((await download(url)).bytes).toEqual(png);
  });

  it('uploads a Blob, replacing the previous picture at the same URL', async () => {
    const member = await newMember();
    await member.client.users.uploadImage(member.user.id, png, 'image/png');
    const url = await member.client.users.uploadImage(member.user.id, new Blob([gif]), 'image/gif');
    expect(url).toBe(member.user.image);
    expect(await download(url)).toMatchObject({ status: 200, type: 'image/gif', bytes: gif });
  });

  it('throws ApiError and stores nothing when the server refuses the type', async () => {
    const member = await newMember();
    const error = await failure(
      member.client.users.uploadImage(member.user.id, new TextEncoder().encode('<p>hi</p>'), 'text/html'),
    );
    expect(error.status).toBe(422);
    expect((await download(member.user.image)).status).toBe(404);
  });

  it("throws ApiError with the storage's status and reason when S3 refuses the upload (expired URL from a stand-in API)", async () => {
    // The API always signs fresh URLs, so a stand-in answers one signed 61 s ago; the refusal is s3rver's own.
    const signer = new ProfileImages({
      region: server.config.aws_region,
      endpoint: inject('stack').s3Endpoint,
      profileImagesBucket: server.config.s3_bucket,
      corsOrigins: ['*'],
      credentials: { ...localS3Credentials },
      now: () => new Date(Date.now() - 61_000),
    });
    const expired = await signer.signProfileImageUpload(alice.user.id, 'image/png', png.length);
    signer.destroy();
    const staleApi = axios.create({
      adapter: async (config) => ({ data: expired, status: 200, statusText: 'OK', headers: {}, config }),
    });

    const error = await failure(createImagesApi(staleApi).uploadImage(alice.user.id, png, 'image/png'));
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/AccessDenied: Request has expired/);
  });

  it("lets an admin upload another user's picture", async () => {
    const url = await admin.client.users.uploadImage(bob.user.id, gif, 'image/gif');
    expect(url).toBe(bob.user.image);
    expect(await download(url)).toMatchObject({ type: 'image/gif', bytes: gif });
  });
});

describe('PUT /users/:id/image/signed-url', () => {
  it('signs the content type and the length for 60 s', async () => {
    const before = Date.now();
    const upload = await alice.client.users.signImageUpload(alice.user.id, 'image/jpeg', 2048);
    const query = new URL(upload.signedRequest).searchParams;

    expect(query.get('X-Amz-SignedHeaders')?.split(';')).toEqual(
      expect.arrayContaining(['content-type', 'content-length']),
    );
    expect(query.get('X-Amz-Expires')).toBe('60');
    expect(Date.parse(upload.expiresAt)).toBeGreaterThanOrEqual(before + 59_000);
    expect(Date.parse(upload.expiresAt)).toBeLessThanOrEqual(Date.now() + 60_000);
    expect(upload.url).toBe(alice.user.image);
  });

  it('issues no URL without fileSize (422): the size is always signed', async () => {
    const response = await fetch(`${server.server.url}/users/${alice.user.id}/image/signed-url?fileType=image/webp`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${alice.client.storage.get()}` },
    });
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      hasError: 1,
      error: expect.stringMatching(/fileSize/),
      code: 'validation_failed',
      errors: [{ field: 'fileSize', message: expect.any(String) }],
    });
  });

  it('answers GET as well', async () => {
    const response = await fetch(
      `${server.server.url}/users/${alice.user.id}/image/signed-url?fileType=image/gif&fileSize=10`,
      {
        headers: { Authorization: `Bearer ${alice.client.storage.get()}` },
      },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      url: `/users/${alice.user.id}/image`,
      signedRequest: expect.stringContaining('X-Amz-Signature='),
    });
  });

  it('issues no URL for a type that is not png, jpeg, gif or webp (422)', async () => {
    const error = await failure(alice.client.users.signImageUpload(alice.user.id, 'text/html', 100));
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/fileType/);
    expect(error.body).toEqual({ hasError: 1, error: error.message, code: 'validation_failed', errors: error.fields });
    expect(error.fields.map((field) => field.field)).toEqual(['fileType']);
  });

  it('issues no URL for a size over 5 MB (422)', async () => {
    const error = await failure(alice.client.users.signImageUpload(alice.user.id, 'image/png', 6 * 1024 * 1024));
    expect(error.status).toBe(422);
    expect(error.message).toMatch(/fileSize/);
    expect(error.body).toEqual({ hasError: 1, error: error.message, code: 'validation_failed', errors: error.fields });
    expect(error.fields.map((field) => field.field)).toEqual(['fileSize']);
    await expect(alice.client.users.signImageUpload(alice.user.id, 'image/png', maxImageBytes)).resolves.toMatchObject({
      url: alice.user.image,
    });
  });

  it("issues no URL for another user's picture (403)", async () => {
    const error = await failure(alice.client.users.signImageUpload(bob.user.id, 'image/png', 100));
    expect(error.status).toBe(403);
    expect(error.body).toEqual({ hasError: 1, error: error.message, code: 'forbidden' });
  });

  it('gives an admin a URL for another user', async () => {
    const upload = await admin.client.users.signImageUpload(alice.user.id, 'image/png', 100);
    expect(upload.url).toBe(alice.user.image);
  });

  it('refuses without a token (401), for an unknown user (404) and with an unknown parameter (422)', async () => {
    expect((await failure(server.client().users.signImageUpload(alice.user.id, 'image/png', 100))).status).toBe(401);
    expect((await failure(admin.client.users.signImageUpload(randomUUID(), 'image/png', 100))).status).toBe(404);
    const response = await fetch(
      `${server.server.url}/users/${alice.user.id}/image/signed-url?fileType=image/png&key=../admin`,
      {
        method: 'PUT',
        headers: { Authorization: `Bearer ${alice.client.storage.get()}` },
      },
    );
    expect(response.status).toBe(422);
  });
});

describe('the bucket', () => {
  it('is created at start-up with CORS rules for browser uploads', async () => {
    const s3 = new S3Client({
      region: server.config.aws_region,
      endpoint: inject('stack').s3Endpoint,
      forcePathStyle: true,
      credentials: { ...localS3Credentials },
    });
    try {
      const { CORSRules } = await s3.send(new GetBucketCorsCommand({ Bucket: server.config.s3_bucket }));
      expect(CORSRules).toEqual([
        expect.objectContaining({
          AllowedOrigins: ['*'],
          AllowedMethods: expect.arrayContaining(['PUT']),
          AllowedHeaders: ['Content-Type', 'Content-Length'],
        }),
      ]);
    } finally {
      s3.destroy();
    }
  });

  it('does not stop a second server from starting when it already exists', async () => {
    const second = await startTestServer({ s3_bucket: server.config.s3_bucket });
    try {
      const client = second.client();
      const { user } = await signUp(client);
      const url = await client.users.uploadImage(user.id, png, 'image/png');
      expect(url).toBe(`${second.server.url}/users/${user.id}/image`);
      expect((await download(url)).bytes).toEqual(png);
    } finally {
      await second.stop();
    }
  });
});

describe('GET /users/:id/image', () => {
  /** Asks for a picture as a browser's `<img>` would (no token), without following the redirect. */
  const ask = (url: string) => fetch(url, { redirect: 'manual' });

  it('redirects (302) without a token to a signed GET on the storage, valid at most an hour and cached privately for less', async () => {
    const member = await newMember();
    await member.client.users.uploadImage(member.user.id, png, 'image/png');

    const response = await ask(member.user.image);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.origin).toBe(new URL(inject('stack').s3Endpoint).origin);
    expect(location.pathname).toBe(`/${server.config.s3_bucket}/profile-images/${member.user.id}`);
    expect(location.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    const lifetime = Number(location.searchParams.get('X-Amz-Expires'));
    expect(lifetime).toBeGreaterThan(0);
    expect(lifetime).toBeLessThanOrEqual(3600);
    const maxAge = Number(/^private, max-age=(\d+)$/.exec(response.headers.get('cache-control') ?? '')?.[1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThan(lifetime);

    const picture = await fetch(location);
    expect(picture.status).toBe(200);
    expect(picture.headers.get('content-type')).toBe('image/png');
    expect(picture.headers.get('cache-control')).toBe(`private, max-age=${maxAge}`);
    expect(new Uint8Array(await picture.arrayBuffer())).toEqual(png);
  });

  it('answers 404 in JSON for a user who has uploaded no picture', async () => {
    const member = await newMember();
    const response = await ask(member.user.image);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ hasError: 1, error: expect.stringMatching(/picture/) });
  });

  it('answers 404 once the user is deleted, though a picture was uploaded', async () => {
    const member = await newMember();
    await member.client.users.uploadImage(member.user.id, gif, 'image/gif');
    expect((await ask(member.user.image)).status).toBe(302);
    await member.client.users.remove(member.user.id);
    const response = await ask(member.user.image);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ hasError: 1 });
  });

  it('answers 404 for an unknown or malformed user id', async () => {
    expect((await ask(`${server.server.url}/users/${randomUUID()}/image`)).status).toBe(404);
    expect((await ask(`${server.server.url}/users/not-a-user/image`)).status).toBe(404);
  });

  it('takes v, a version that lets a page ask again after an upload, and refuses other parameters (422)', async () => {
    const member = await newMember();
    await member.client.users.uploadImage(member.user.id, png, 'image/png');
    expect((await ask(`${member.user.image}?v=1715000000000`)).status).toBe(302);
    expect((await ask(`${member.user.image}?key=profile-images/${alice.user.id}`)).status).toBe(422);
  });

  it('is a root-relative path on the wire, which the SDK makes absolute against its baseURL', async () => {
    const member = await newMember();
    const response = await fetch(`${server.server.url}/users/${member.user.id}`, {
      headers: { Authorization: `Bearer ${member.client.storage.get()}` },
    });
    const { data } = (await response.json()) as { data: PublicUser };
    expect(data.image).toBe(`/users/${member.user.id}/image`);
    expect(member.user.image).toBe(`${server.server.url}/users/${member.user.id}/image`);
    expect((await member.client.sessions.current()).image).toBe(member.user.image);
    const page = await member.client.users.list({ limit: 100 });
    for (const user of page.data) expect(user.image).toBe(`${server.server.url}/users/${user.id}/image`);
  });
});

describe('image URLs under public_url or s3_public_url', () => {
  it("is an absolute URL of the API under public_url, the proxy's address", async () => {
    const proxied = await startTestServer({
      s3_bucket: server.config.s3_bucket,
      public_url: 'https://api.example.com/',
    });
    try {
      const client = proxied.client();
      const { user } = await signUp(client);
      expect(user.image).toBe(`https://api.example.com/users/${user.id}/image`);
      expect((await client.users.signImageUpload(user.id, 'image/png', png.length)).url).toBe(user.image);
    } finally {
      await proxied.stop();
    }
  });

  it('is <s3_public_url>/profile-images/<id> when the bucket is served publicly (e.g. by CloudFront)', async () => {
    const publicBase = `${inject('stack').s3Endpoint}/${server.config.s3_bucket}`;
    const direct = await startTestServer({ s3_bucket: server.config.s3_bucket, s3_public_url: publicBase });
    try {
      const client = direct.client();
      const { user } = await signUp(client);
      expect(user.image).toBe(`${publicBase}/profile-images/${user.id}`);
      const url = await client.users.uploadImage(user.id, png, 'image/png');
      expect(url).toBe(user.image);
      expect(await download(url)).toMatchObject({ status: 200, type: 'image/png', bytes: png });
      // The API's own route still answers, for clients that kept such a URL.
      expect((await fetch(`${direct.server.url}/users/${user.id}/image`, { redirect: 'manual' })).status).toBe(302);
    } finally {
      await direct.stop();
    }
  });
});
