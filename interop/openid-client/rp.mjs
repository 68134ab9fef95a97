// A relying party built on openid-client (OpenID Certified), driven by
// crates/gatehouse/tests/api/oidc_node.rs. Two steps, JSON on stdout:
//   node rp.mjs start  <issuer> <client_id> <client_secret> <redirect_uri>
//   node rp.mjs finish <issuer> <client_id> <client_secret> <callback_url> <verifier> <state> <nonce>
// The library verifies discovery, the RFC 9207 `iss` response parameter,
// state, PKCE, and the ID token (signature from the JWKS, iss, aud, exp,
// nonce). Plain http is allowed only because the test server is on localhost.
import * as client from 'openid-client';

const [step, issuer, clientId, clientSecret, ...rest] = process.argv.slice(2);
const options = { execute: [client.allowInsecureRequests] };
const config = await client.discovery(new URL(issuer), clientId, clientSecret, undefined, options);

if (step === 'start') {
  const [redirectUri] = rest;
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid email profile offline_access',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  console.log(JSON.stringify({ url: url.href, verifier, state, nonce }));
} else if (step === 'finish') {
  const [callbackUrl, verifier, state, nonce] = rest;
  const tokens = await client.authorizationCodeGrant(config, new URL(callbackUrl), {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  const introspected = await client.tokenIntrospection(config, tokens.access_token);
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  await client.tokenRevocation(config, refreshed.refresh_token);
  const afterRevocation = await client.tokenIntrospection(config, refreshed.access_token);
  const logoutUrl = client.buildEndSessionUrl(config, {
    id_token_hint: tokens.id_token,
    post_logout_redirect_uri: 'http://127.0.0.1:9/signed-out',
    state: 'bye',
  });
  console.log(JSON.stringify({
    sub: claims.sub,
    email: claims.email,
    userinfo_email: userinfo.email,
    introspection_active: introspected.active,
    refreshed_id_token: Boolean(refreshed.id_token),
    active_after_revocation: afterRevocation.active,
    logout_url: logoutUrl.href,
  }));
} else {
  console.error('usage: rp.mjs start|finish ...');
  process.exit(2);
}
