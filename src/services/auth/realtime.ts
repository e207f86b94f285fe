import type { Logger } from '../../core/logger.ts';
import { AppError, isAppError } from '../../core/errors.ts';
import { hasScope, type Principal } from '../../core/principal.ts';
import type { CredentialAuthenticator } from './authenticator.ts';
import { credentialFromHandshake, type HandshakeCredentials } from './credentials.ts';

/**
 * Authentication for Socket.IO and WebSocket connections, in the shape of the transports'
 * `Authenticate` port: the same credentials as HTTP (plus Socket.IO `auth.token` and
 * `?access_token=`), and the `calls` scope. `null` refuses the connection before any audio flows
 * (`unauthenticated`; why is logged here, never the credential); a valid credential without the
 * `calls` scope is refused as `forbidden`, with a message naming the scope.
 */
export function realtimeAuthenticator(authenticator: CredentialAuthenticator, logger: Logger): (handshake: HandshakeCredentials) => Promise<Principal | null> {
  return async (handshake) => {
    try {
      const credential = credentialFromHandshake(handshake);
      if (!credential) {
        logger.info({ reason: 'no credential' }, 'realtime connection refused');
        return null;
      }
      const principal = await authenticator.authenticate(credential);
      if (!hasScope(principal, 'calls')) {
        logger.info({ reason: 'credential lacks the calls scope', tenantId: principal.tenantId }, 'realtime connection refused');
        throw new AppError('forbidden', `This ${principal.kind === 'api_key' ? 'API key' : 'credential'} lacks the "calls" scope, which realtime calls need`);
      }
      return principal;
    } catch (error) {
      if (isAppError(error) && error.code === 'forbidden') throw error;
      if (isAppError(error) && error.category === 'auth') {
        logger.info({ reason: error.message }, 'realtime connection refused');
        return null;
      }
      throw error;
    }
  };
}
