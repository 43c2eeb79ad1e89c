import type { JwtManager } from '../../libraries/jwtManager';
import { tokenRoom, type RandomJobsServer } from './randomjobs.rooms';

/** A logout ends the token's sockets' authentication on every server sharing the adapter. Returns the unsubscribe. */
export function disconnectRevokedTokens(io: RandomJobsServer, jwtManager: JwtManager): () => void {
  return jwtManager.onRevoked((claims) => io.in(tokenRoom(claims.jti)).disconnectSockets(true));
}
