import { createHash } from 'node:crypto';
import { createAccount, createOperator, createUser, type KeyPair } from '@nats-io/nkeys';

/**
 * NATS decentralized (operator mode) JWTs for tests, encoded here: an operator, its system
 * account and one application account with JetStream, the nats-server configuration that trusts
 * them (a MEMORY resolver with both accounts preloaded), and .creds files of users.
 */

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding (as the jti of nsc's JWTs). */
function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let acc = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return bits > 0 ? out + B32[(acc << (5 - bits)) & 31] : out;
}

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
const b64url = (s: string | Uint8Array): string => Buffer.from(s).toString('base64url');

/** What a JWT says beyond its standard claims. */
export interface JwtClaims {
  /** The subject's public key (the issuer's own for a self-signed operator). */
  sub: string;
  name: string;
  /** Expiry, Unix seconds (none when absent). */
  exp?: number;
  /** The `nats` section; `type` and `version: 2` are added. */
  nats: Record<string, unknown> & { type: 'operator' | 'account' | 'user' };
}

/**
 * A NATS JWT (v2): base64url header and claims, then the ed25519 signature of `header.claims` by
 * the issuer's nkey. The jti is nsc's: base32 of SHA-512/256 over the standard claims without it.
 */
export function encodeJwt(issuer: KeyPair, claims: JwtClaims): string {
  const header = b64url(JSON.stringify({ typ: 'JWT', alg: 'ed25519-nkey' }));
  const std = { ...(claims.exp === undefined ? {} : { exp: claims.exp }), iat: Math.floor(Date.now() / 1000), iss: issuer.getPublicKey(), name: claims.name, sub: claims.sub };
  const jti = base32(createHash('sha512-256').update(JSON.stringify(std)).digest());
  const body = b64url(JSON.stringify({ jti, ...std, nats: { ...claims.nats, version: 2 } }));
  const signature = b64url(issuer.sign(new TextEncoder().encode(`${header}.${body}`)));
  return `${header}.${body}.${signature}`;
}

/** An account's limits: no limit anywhere, JetStream on (memory and file storage unlimited). */
const unlimitedAccount = {
  limits: { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1, mem_storage: -1, disk_storage: -1, streams: -1, consumer: -1 },
  default_permissions: { pub: {}, sub: {} },
};

/** The text of a .creds file: the user's JWT, then its NKey seed. */
export function credsText(userJwt: string, seed: string): string {
  return [
    '-----BEGIN NATS USER JWT-----',
    userJwt,
    '------END NATS USER JWT------',
    '',
    '************************* IMPORTANT *************************',
    'NKEY Seed printed below can be used to sign and prove identity.',
    'NKEYs are sensitive and should be treated as secrets.',
    '',
    '-----BEGIN USER NKEY SEED-----',
    seed,
    '------END USER NKEY SEED------',
    '',
    '*************************************************************',
    '',
  ].join('\n');
}

/** A user's .creds file text and its seed (to check that it is never printed). */
export interface UserCreds {
  creds: string;
  seed: string;
  /** The user's public key. */
  publicKey: string;
}

/** How {@link JwtOperator.user} signs a user. */
export interface UserOptions {
  /** The key that signs (default: the application account's). */
  signer?: KeyPair;
  /** `issuer_account` of the user (for a user signed by a key other than the account's own). */
  issuerAccount?: string;
  /** Expiry, Unix seconds. */
  exp?: number;
}

/** An operator, its system account and one application account, with the server's config. */
export interface JwtOperator {
  /** nats-server configuration text (for startNats's `extra`): operator, system account, MEMORY resolver, both accounts preloaded. */
  serverConfig: string;
  /** The application account's key pair (its JWT enables JetStream). */
  account: KeyPair;
  /** A new user of the application account (or as `options` sign it). */
  user(name: string, options?: UserOptions): UserCreds;
}

/** Creates an operator, a system account and an application account `app`, all JWTs signed now. */
export function makeJwtOperator(): JwtOperator {
  const operator = createOperator();
  const system = createAccount();
  const account = createAccount();
  const opPub = operator.getPublicKey();
  const operatorJwt = encodeJwt(operator, { sub: opPub, name: 'streamnorm-test', nats: { type: 'operator', system_account: system.getPublicKey() } });
  const systemJwt = encodeJwt(operator, { sub: system.getPublicKey(), name: 'SYS', nats: { type: 'account', limits: { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 } } });
  const accountJwt = encodeJwt(operator, { sub: account.getPublicKey(), name: 'app', nats: { type: 'account', ...unlimitedAccount } });
  const serverConfig = [
    `operator: ${operatorJwt}`,
    `system_account: ${system.getPublicKey()}`,
    'resolver: MEMORY',
    'resolver_preload: {',
    `  ${system.getPublicKey()}: ${systemJwt}`,
    `  ${account.getPublicKey()}: ${accountJwt}`,
    '}',
  ].join('\n');
  return {
    serverConfig,
    account,
    user: (name, options = {}) => {
      const key = createUser();
      const nats = { type: 'user' as const, pub: {}, sub: {}, subs: -1, data: -1, payload: -1, ...(options.issuerAccount === undefined ? {} : { issuer_account: options.issuerAccount }) };
      const jwt = encodeJwt(options.signer ?? account, { sub: key.getPublicKey(), name, nats, ...(options.exp === undefined ? {} : { exp: options.exp }) });
      const seed = text(key.getSeed());
      return { creds: credsText(jwt, seed), seed, publicKey: key.getPublicKey() };
    },
  };
}
