// Optional Cloudflare Access: when CF_ACCESS_TEAM_DOMAIN and CF_ACCESS_AUD are set, a request carrying
// the Cf-Access-Jwt-Assertion header is authenticated by verifying that JWT (RS256, the team's published
// keys, issuer and audience checked) with jose; its e-mail claim must belong to an enabled staff user.
// CF_ACCESS_JWKS (a JWKS as JSON) replaces the remote key set where the Worker cannot fetch it (tests).
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from "jose";
import type { Env } from "../env";
import { hmacToken } from "../lib/crypto";

export const accessConfigured = (env: Env) => !!env.CF_ACCESS_TEAM_DOMAIN && !!env.CF_ACCESS_AUD;

const keySets = new Map<string, JWTVerifyGetKey>();
function keysFor(env: Env): JWTVerifyGetKey {
  const { CF_ACCESS_TEAM_DOMAIN: team, CF_ACCESS_JWKS: local } = env;
  const id = local ?? team!;
  let ks = keySets.get(id);
  if (!ks) {
    ks = local
      ? createLocalJWKSet(JSON.parse(local))
      : createRemoteJWKSet(new URL(`https://${team}/cdn-cgi/access/certs`));
    keySets.set(id, ks);
  }
  return ks;
}

/** The verified identity, or null for anything invalid (bad signature, wrong issuer/audience, expired, no e-mail). */
export async function accessIdentity(env: Env, jwt: string): Promise<{ email: string; sub: string } | null> {
  if (jwt.length > 8192) return null;
  try {
    const { payload } = await jwtVerify(jwt, keysFor(env), {
      issuer: `https://${env.CF_ACCESS_TEAM_DOMAIN}`,
      audience: env.CF_ACCESS_AUD,
      algorithms: ["RS256"],
      clockTolerance: 30,
    });
    const email = typeof payload.email === "string" ? payload.email.trim().toLowerCase() : "";
    if (!email || !payload.sub) return null;
    return { email, sub: payload.sub };
  } catch {
    return null;
  }
}

/** CSRF token for an Access identity: derived from the secret and the identity, never stored. */
export const csrfForAccess = (env: Env, sub: string) => hmacToken(env.SESSION_SECRET, `csrf-access:${sub}`);
