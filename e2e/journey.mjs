// A person's whole life with Gatehouse, in real headless Chromium:
// sign up → confirm the email from the outbox → sign in → account → turn on
// an authenticator app (codes computed here) → sign out → sign in with the
// second factor → add a passkey (Chromium's virtual authenticator) → sign in
// with the passkey alone → forgot/reset password → OAuth consent → an admin
// disables the account, which ends its session.
// Every page and state is screenshotted at 320, 375 and 1280 px in light and
// dark, checked with axe-core (WCAG 2 A/AA) and for sideways scrolling; CSP
// violations are collected. Driven by crates/gatehouse/tests/api/e2e_journey.rs:
//   node journey.mjs <issuer> <outbox_dir> <client_id> <client_secret> <redirect_uri> <admin_login> <admin_password> <shots> [all|some]
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { capture } from './chromium.mjs';

const [issuer, outbox, clientId, clientSecret, redirectUri, adminLogin, adminPassword, shots, lookList = 'all'] = process.argv.slice(2);
// `all`: 320, 375 and 1280 px, light and dark; `some`: 375 and 1280 px, light.
const looks = lookList === 'all'
  ? { widths: [320, 375, 1280], schemes: ['light', 'dark'] }
  : { widths: [375, 1280], schemes: ['light'] };
mkdirSync(shots, { recursive: true });
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const user = { email: 'dana@example.com', username: 'dana', password: 'violet kettle drums at noon 7' };
const newPassword = 'orange bicycle under the bridge 9';

// RFC 6238 (SHA-1, 6 digits, 30 s) from a base32 secret; `offset` in steps.
function totp(secret, offset = 0) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000) + offset));
  const mac = createHmac('sha1', key).update(counter).digest();
  const o = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, '0');
}

// The newest link to `path` in the outbox's readable copies, for `email`.
async function mailedLink(path, email, after) {
  for (let i = 0; i < 50; i++) {
    const files = readdirSync(outbox).filter((f) => f.endsWith('.txt')).map((f) => join(outbox, f))
      .filter((f) => statSync(f).mtimeMs >= after).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const m = text.match(new RegExp(`https?://[^\\s]+${path}\\?token=[A-Za-z0-9_-]+`));
      if (m && text.includes(email)) return new URL(m[0]).pathname + new URL(m[0]).search;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${path} mail for ${email}`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox'],
});
const problems = [];
const a11y = [];
const wide = [];
const visited = [];
const steps = [];
let page;
try {
  const context = await browser.newContext({ baseURL: issuer, viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.on('console', (m) => { if (/Content.Security.Policy|Refused/i.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));

  // Every page in every look asked for: each width in light and dark, a
  // full-page screenshot, axe-core, and a check that nothing scrolls sideways.
  const shoot = async (name, p = page) => {
    visited.push(name);
    for (const scheme of looks.schemes) {
      await p.emulateMedia({ colorScheme: scheme });
      for (const width of looks.widths) {
        await p.setViewportSize({ width, height: 800 });
        const look = `${name}-${width}-${scheme}`;
        await capture(p, `${shots}/${look}.png`);
        const sideways = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (sideways > 0) wide.push(`${look}: scrolls sideways by ${sideways} px`);
        // axe-core runs through the DevTools protocol, which the page's CSP does not govern.
        await p.evaluate(axeSource);
        const result = await p.evaluate(() => axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa'] }));
        for (const v of result.violations) {
          a11y.push(`${look}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        }
      }
    }
    await p.emulateMedia({ colorScheme: 'light' });
    await p.setViewportSize({ width: 1280, height: 800 });
  };
  const step = (s) => steps.push(s);

  // Sign up (the button waits for the terms checkbox).
  await page.goto('/register');
  await shoot('register');
  await page.fill('#email', user.email);
  await page.fill('#username', user.username);
  await page.fill('#password', user.password);
  await page.fill('#confirm_password', user.password);
  await page.waitForSelector('.meter[data-score="4"], .meter[data-score="3"]', { timeout: 5000 });
  const verdict = (await page.textContent('#password-strength')).trim();
  if (!/^(Medium|Strong)/.test(verdict)) throw new Error(`the meter says "${verdict}", not Medium or Strong`);
  await shoot('register-filled');
  const submit = page.locator('form[action="/register"] button[type=submit]');
  if (!(await submit.isDisabled())) throw new Error('the sign-up button is enabled before the terms are accepted');
  await page.check('#terms');
  const mailedAfter = Date.now() - 1000;
  await submit.click();
  await page.waitForSelector('text=Check your email');
  await shoot('register-check-email');
  step('registered');

  // Confirm the address from the mail.
  await page.goto(await mailedLink('/verify-email', user.email, mailedAfter));
  await shoot('verify-email');
  await page.click('form[action="/verify-email"] button[type=submit]');
  await page.waitForSelector('.notice.success, .success');
  await shoot('verify-email-done');
  step('verified');

  // Sign in, with the eye toggle tried on the way.
  await page.goto('/login?return_to=%2Faccount');
  await page.fill('#login', user.username);
  await page.fill('#password', user.password);
  await page.click('button[data-reveal=password]');
  if ((await page.getAttribute('#password', 'type')) !== 'text') throw new Error('the eye toggle does not reveal');
  await shoot('login');
  await page.click('button[data-reveal=password]');
  await page.click('form[action="/login"] button[type=submit]');
  await page.waitForURL('**/account');
  await shoot('account');
  step('signed in');

  // Turn on an authenticator app.
  await page.click('form[action="/account/totp/setup"] button[type=submit]');
  await page.waitForSelector('img.qr');
  await shoot('account-totp');
  const secret = (await page.textContent('.secret')).trim();
  await page.fill('#code', totp(secret));
  await page.click('form[action="/account/totp/enable"] button[type=submit]');
  await page.waitForSelector('.codes');
  await shoot('account-backup-codes');
  const backupCodes = (await page.locator('.codes li').allTextContents()).map((c) => c.trim());
  // The codes download as a text file.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[data-codes-download]')]);
  const saved = readFileSync(await download.path(), 'utf8');
  if (backupCodes.length !== 10 || !backupCodes.every((c) => saved.includes(c))) throw new Error(`the download holds ${saved}`);
  step('backup codes downloaded');
  await page.goto('/account');
  step('totp on');

  // Sign out, then in again with the second factor (the next step's code:
  // the one just used is spent).
  await page.click('form[action="/logout"] button[type=submit]');
  await page.waitForURL('**/login**');
  // This time with the keyboard only: the login field has the focus, Tab
  // moves to the password, Enter submits; the code field has the focus next.
  await page.goto('/login?return_to=%2Faccount');
  // A person types once the caret shows: wait for the autofocus to land, or
  // the first keystrokes go nowhere.
  await page.waitForSelector('#login:focus');
  await page.keyboard.type(user.email);
  await page.keyboard.press('Tab');
  if ((await page.evaluate(() => document.activeElement.id)) !== 'password') throw new Error('Tab does not reach the password');
  await page.keyboard.type(user.password);
  if ((await page.inputValue('#login')) !== user.email || (await page.inputValue('#password')) !== user.password) {
    throw new Error('keystrokes were lost on the way to the login form');
  }
  await page.keyboard.press('Enter');
  await page.waitForSelector('form[action="/mfa"], #password-error:not([hidden])');
  if (!(await page.$('form[action="/mfa"]'))) {
    throw new Error(`the sign-in was refused: ${(await page.textContent('#password-error')).trim()}`);
  }
  if ((await page.evaluate(() => document.activeElement.id)) !== 'code') throw new Error('the code field has no focus');
  await shoot('mfa');
  await page.fill('#code', '000000');
  await page.click('form[action="/mfa"] button[type=submit]');
  await page.waitForSelector('#code[aria-invalid=true]');
  await shoot('mfa-wrong-code');
  await page.fill('#code', '');
  await page.focus('#code');
  await page.keyboard.type(totp(secret, 1));
  await page.keyboard.press('Enter');
  await page.waitForURL('**/account');
  step('signed in with totp, keyboard only');

  // A passkey, on Chromium's virtual authenticator.
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  await page.fill('#passkey-name', 'Laptop');
  await page.click('button[data-passkey-start="/account/passkeys/register"]');
  await page.waitForSelector('text=Laptop', { timeout: 10000 });
  await shoot('account-passkey');
  step('passkey added');
  await page.click('form[action="/logout"] button[type=submit]');
  await page.waitForURL('**/login**');
  await page.goto('/login?return_to=%2Faccount');
  await page.click('button[data-passkey-start="/login/passkey"]');
  await page.waitForURL('**/account', { timeout: 10000 });
  step('signed in with passkey alone');
  await page.click('form[action="/logout"] button[type=submit]');
  await page.waitForURL('**/login**');

  // Forgot → mail → reset.
  await page.goto('/login');
  await page.click('text=Forgot Your Password?');
  await page.waitForSelector('form[action="/forgot-password"]');
  await shoot('forgot-password');
  const resetAfter = Date.now() - 1000;
  await page.fill('#email', user.email);
  await page.click('form[action="/forgot-password"] button[type=submit]');
  await page.waitForSelector('text=Check your email');
  await shoot('forgot-password-sent');
  await page.goto(await mailedLink('/reset-password', user.email, resetAfter));
  await page.fill('#new_password', newPassword);
  await page.fill('#confirm_password', newPassword);
  await shoot('reset-password');
  await page.click('form[action="/reset-password"] button[type=submit]');
  await page.waitForSelector('.notice.success, .success');
  await shoot('reset-password-done');
  step('password reset');

  // An application asks for access: sign in (new password, a backup code) and consent.
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL('/oauth2/authorize', issuer);
  for (const [k, v] of Object.entries({
    response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: 'openid email profile',
    state: 'journey', nonce: 'n', code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  })) authorize.searchParams.set(k, v);
  let received = null;
  await page.route((url) => url.href.startsWith(redirectUri), async (route) => {
    received = route.request().url();
    await route.fulfill({ status: 200, contentType: 'text/plain', body: 'the application' });
  });
  await page.goto(authorize.href);
  await page.waitForSelector('text=Log in to continue to');
  await shoot('login-for-app');
  await page.fill('#login', user.username);
  await page.fill('#password', newPassword);
  await page.click('form[action="/login"] button[type=submit]');
  await page.waitForSelector('form[action="/mfa"]');
  await page.fill('#code', backupCodes[0]);
  await page.click('form[action="/mfa"] button[type=submit]');
  await page.waitForSelector('form[action="/consent"]');
  await shoot('consent');
  await page.click('button[value=allow]');
  await page.waitForURL((url) => url.href.startsWith(redirectUri), { timeout: 10000 });
  step('consented');
  // The application redeems the code (as its back end would).
  const code = new URL(received).searchParams.get('code');
  const redeemed = await fetch(new URL('/oauth2/token', issuer), {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }),
  });
  const tokens = await redeemed.json();
  if (redeemed.status !== 200 || !tokens.id_token) throw new Error(`the code did not redeem: ${JSON.stringify(tokens)}`);
  step('code redeemed');
  await page.goto('/account');
  await shoot('account-connected-app');
  // A sign-out asked for by a link (no id_token_hint) is confirmed first.
  await page.goto('/oauth2/logout');
  await page.waitForSelector('form[action="/oauth2/logout"]');
  await shoot('logout-confirm');

  // An administrator disables the account.
  const admin = await (await browser.newContext({ baseURL: issuer, viewport: { width: 1280, height: 800 } })).newPage();
  admin.on('console', (m) => { if (/Content.Security.Policy|Refused/i.test(m.text())) problems.push(m.text()); });
  await admin.goto('/login?return_to=%2Fadmin');
  await admin.fill('#login', adminLogin);
  await admin.fill('#password', adminPassword);
  await admin.click('form[action="/login"] button[type=submit]');
  await admin.waitForURL('**/admin/users**');
  await shoot('admin-users', admin);
  await admin.fill('#q', user.username);
  await admin.press('#q', 'Enter');
  await admin.click(`a:text-is("${user.username}")`);
  await admin.waitForSelector('h1');
  await shoot('admin-user', admin);
  await admin.click('form[action$="/disable"] button[type=submit]');
  await admin.waitForSelector('.badge.off:text-is("disabled")');
  step('disabled by admin');
  await admin.goto('/admin/clients');
  await shoot('admin-clients', admin);
  await admin.fill('#name', 'Acme Notes');
  await admin.fill('#redirect_uris', 'https://notes.example.com/callback');
  await admin.click('form[action="/admin/clients"] button[type=submit]');
  await admin.waitForSelector('#client-secret');
  await shoot('admin-client-created', admin);
  await admin.click('a:text-is("Acme Notes")');
  await admin.waitForSelector('form[action^="/admin/clients/"] textarea#redirect_uris');
  await shoot('admin-client', admin);
  await admin.goto('/admin/roles');
  await shoot('admin-roles', admin);
  await admin.click('a:text-is("admin")');
  await admin.waitForSelector('fieldset.permissions');
  await shoot('admin-role', admin);
  await admin.goto('/admin/keys');
  await shoot('admin-keys', admin);
  await admin.click('a:text-is("Rotate the keys…")');
  await admin.waitForSelector('input[name=confirmed]', { state: 'attached' });
  await shoot('admin-confirm', admin);
  await admin.goto('/admin/upstreams');
  await shoot('admin-upstreams', admin);
  await admin.goto(`/admin/audit?user=${user.username}`);
  await shoot('admin-audit', admin);

  // The disabled person's session is over.
  await page.goto('/account');
  const endedSession = new URL(page.url()).pathname === '/login';

  // The states a stranger meets: a sign-up with every field wrong, a wrong password.
  const stranger = await (await browser.newContext({ baseURL: issuer, viewport: { width: 1280, height: 800 } })).newPage();
  stranger.on('console', (m) => { if (/Content.Security.Policy|Refused/i.test(m.text())) problems.push(m.text()); });
  await stranger.goto('/register');
  await stranger.fill('#email', 'not an address');
  await stranger.fill('#username', 'x');
  await stranger.fill('#password', 'short');
  await stranger.fill('#confirm_password', 'other');
  await stranger.check('#terms');
  await stranger.click('form[action="/register"] button[type=submit]');
  await stranger.waitForSelector('#email[aria-invalid=true]');
  await shoot('register-errors', stranger);
  await stranger.goto('/login');
  await stranger.fill('#login', 'nobody');
  await stranger.fill('#password', 'not the password');
  await stranger.click('form[action="/login"] button[type=submit]');
  await stranger.waitForSelector('#password-error:not([hidden])');
  await shoot('login-wrong-password', stranger);

  console.log(JSON.stringify({
    steps, problems, a11y, wide, visited, looks, endedSession,
    state: received && new URL(received).searchParams.get('state'),
  }));
} catch (e) {
  if (page) await page.screenshot({ path: `${shots}/failure.png`, fullPage: true }).catch(() => {});
  console.error(`after steps ${JSON.stringify(steps)} at ${page && page.url()}: ${e.stack || e}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
