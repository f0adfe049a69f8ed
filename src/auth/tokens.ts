// Session tokens: JWTs signed by @elysiajs/jwt with issuer, audience and expiry, HS256 pinned on
// verification so that a token can never choose its own algorithm (no `none`, no key confusion).
import { jwt } from '@elysiajs/jwt'
import type { Config } from '../config'
import { AppError } from '../errors'

export type TokenClaims = { sub: string; role: string; iatMs: number }

const ALGORITHM = 'HS256'

export type Tokens = ReturnType<typeof createTokens>

export function createTokens(config: Pick<Config, 'jwt'>) {
  const { secret, issuer, audience, expiresIn } = config.jwt
  const signer = jwt({ name: 'jwt', secret, alg: ALGORITHM, iss: issuer, aud: audience, exp: expiresIn }).decorator.jwt
  const options = { algorithms: [ALGORITHM], issuer, audience }
  return {
    /** `iatMs` is ours: `iat` has whole seconds, too coarse to compare with a reset that same second. */
    sign: (userId: string, role: string, issuedAtMs: number, exp?: number) =>
      signer.sign({ sub: userId, role, iatMs: issuedAtMs, ...(exp !== undefined ? { exp } : {}) }),

    /** The claims of a valid token; TOKEN_EXPIRED for a genuine token past its expiry; else UNAUTHORIZED. */
    async verify(token: string): Promise<TokenClaims> {
      const claims = await signer.verify(token, options)
      if (claims && typeof claims.sub === 'string' && typeof claims.iatMs === 'number')
        return { sub: claims.sub, role: String(claims.role), iatMs: claims.iatMs }
      // Checked again as of the epoch: only a correctly signed token that merely expired passes.
      const expired = claims === false && await signer.verify(token, { ...options, currentDate: new Date(0) })
      if (expired) throw new AppError('TOKEN_EXPIRED', 'The token has expired; log in again')
      throw new AppError('UNAUTHORIZED', 'The credential is not a valid API key or token')
    },
  }
}
