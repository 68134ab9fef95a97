// Signs in and consents to an OAuth client in real headless Chromium, then
// reports the code the application received. Driven by
// crates/gatehouse/tests/api/e2e.rs:
//   node oauth_signin.mjs <issuer> <client_id> <redirect_uri> <login> <password> <screenshot_dir>
// Fails on any Content-Security-Policy violation and if the redirect to the
// application does not happen (e.g. a CSP form-action blocking it).
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { capture } from './chromium.mjs';

const [issuer, clientId, redirectUri, login, password, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const verifier = randomBytes(32).toString('base64url');
const challenge = createHash('sha256').update(verifier).digest('base64url');
const authorize = new URL('/oauth2/authorize', issuer);
for (const [k, v] of Object.entries({
  response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: 'openid email',
  state: 'e2e-state', nonce: 'e2e-nonce', code_challenge: challenge, code_challenge_method: 'S256',
})) authorize.searchParams.set(k, v);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox'],
});
const problems = [];
let page;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.on('console', (m) => { if (/Content.Security.Policy|Refused/i.test(m.text())) problems.push(m.text()); });
  let received = null;
  await page.route((url) => url.href.startsWith(redirectUri), async (route) => {
    received = route.request().url();
    await route.fulfill({ status: 200, contentType: 'text/plain', body: 'the application' });
  });

  const shoot = async (name) => {
    for (const width of [375, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      await capture(page, `${shots}/${name}-${width}.png`);
    }
  };

  await page.goto(authorize.href);
  await page.waitForSelector('form[action="/login"]');
  await shoot('login');
  await page.fill('#login', login);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('form[action="/consent"]');
  await shoot('consent');
  await page.click('button[value=allow]');
  await page.waitForURL((url) => url.href.startsWith(redirectUri), { timeout: 10000 });
  const cookies = await context.cookies(issuer);
  const session = cookies.find((c) => c.name === '__Host-gatehouse');
  const url = new URL(received);
  console.log(JSON.stringify({
    code: url.searchParams.get('code'),
    state: url.searchParams.get('state'),
    iss: url.searchParams.get('iss'),
    verifier,
    cookie: session ? { httpOnly: session.httpOnly, secure: session.secure, sameSite: session.sameSite } : null,
    problems,
  }));
} catch (e) {
  const where = page ? `${page.url()}\n${(await page.content()).slice(0, 2000)}` : '';
  console.error(String(e), problems, where);
  process.exitCode = 1;
} finally {
  await browser.close();
}
