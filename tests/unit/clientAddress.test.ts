import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { clientAddressOf } from '../../http/clientAddress';

/** A handshake request from `remoteAddress` with `headers`, as socket.io hands it over. */
function handshakeFrom(remoteAddress: string, headers: Record<string, string> = {}): IncomingMessage {
  const socket = new Socket();
  Object.defineProperty(socket, 'remoteAddress', { value: remoteAddress });
  const req = new IncomingMessage(socket);
  req.headers = headers;
  return req;
}

describe('the client address of a request that bypasses Express', () => {
  it('is the connection address when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    const address = clientAddressOf(express());
    expect(address(handshakeFrom('10.0.0.7', { 'x-forwarded-for': '203.0.113.9' }))).toBe('10.0.0.7');
  });

  it('is the forwarded address behind a trusted proxy, as req.ip is', () => {
    const app = express();
    app.set('trust proxy', 1);
    const address = clientAddressOf(app);
    expect(address(handshakeFrom('10.0.0.7', { 'x-forwarded-for': '198.51.100.1, 203.0.113.9' }))).toBe('203.0.113.9');
  });
});
