// next-auth v5: email + password (Credentials) with JWT sessions. The session only carries the
// user id; lib/authz.ts loads the account on every request, so a role change or a disabled
// account takes effect at once. Configuration is built per request (lazily), so `next build`
// needs no secret and no database.
import NextAuth, { CredentialsSignin } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import { authenticate, credentialsSchema } from './accounts';
import { db } from './db';
import { env } from './env';
import { resolveAuthSecret } from './secret-file';
import { logAuthError } from './sign-in/auth-logger';
import { clientAddressFrom } from './client-address';
import { signInThrottle } from './sign-in/throttle';

/** Wrong password or unknown email: one answer for both. */
export class InvalidCredentials extends CredentialsSignin {
  code = 'invalid';
}

/** Too many failed sign-ins for this email or from this address: refused before the password is looked at. */
export class SignInThrottled extends CredentialsSignin {
  code = 'throttled';
}

/** Right password, but an admin disabled the account. */
export class AccountDisabled extends CredentialsSignin {
  code = 'disabled';
}

const SESSION_MAX_AGE_SECONDS = 7 * 24 * 3600;

export const { handlers, auth, signIn, signOut } = NextAuth(() => {
  const e = env();
  return {
    secret: resolveAuthSecret(e.AUTH_SECRET, e.dataDir),
    trustHost: e.AUTH_TRUST_HOST,
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: '/sign-in', error: '/sign-in' },
    logger: { error: (error: Error) => logAuthError(error) },
    providers: [
      Credentials({
        credentials: { email: {}, password: {} },
        // The throttle sits here, not in the sign-in form's action, so next-auth's own
        // credentials endpoint is throttled too. It is checked before the password, for every
        // email alike, so a refusal says nothing about whether the account exists.
        async authorize(raw, request) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) throw new InvalidCredentials();
          const throttle = signInThrottle();
          const source = { email: parsed.data.email, address: clientAddressFrom(request.headers) };
          if (!throttle.check(source).allowed) throw new SignInThrottled();
          const result = await authenticate(db(), parsed.data.email, parsed.data.password);
          if (!result.ok) {
            throttle.recordFailure(source);
            throw result.reason === 'disabled' ? new AccountDisabled() : new InvalidCredentials();
          }
          throttle.reset(source);
          return { id: result.user.id, email: result.user.email, name: result.user.name };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user?.id) token.sub = user.id;
        return token;
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        return session;
      },
    },
  };
});
