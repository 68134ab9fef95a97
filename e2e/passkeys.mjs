// Passkeys on the pages in real headless Chromium, with its virtual
// authenticator (CTAP2, internal transport, resident keys, user verification):
// sign in with a password → add a passkey "Laptop" on /account (its backup
// codes shown once) → it is listed → sign out → "Sign in with a passkey" on
// /login, no password → a second account with an authenticator app and a
// passkey: password on /login → /mfa → "Use a passkey" → signed in.
// Then a device without passkeys: the error shows in place. Screenshots of
// /mfa with the passkey button at 375 and 1280 px. Fails on any
// CSP violation or script error. Driven by crates/gatehouse/tests/api/e2e_passkeys.rs:
//   node passkeys.mjs <issuer> <login> <second_login> <password> <screenshot_dir>
import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { capture } from './chromium.mjs';

const [issuer, login, secondLogin, password, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });

// RFC 6238 (SHA-1, 6 digits, 30 s) from a base32 secret.
function totp(secret) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const o = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, '0');
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox'],
});
const problems = [];
const steps = [];
const result = { steps, problems };
let page;
try {
  const context = await browser.newContext({ baseURL: issuer, viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.on('console', (m) => { if (/Content.Security.Policy|Refused/i.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));

  // Chromium's virtual authenticator stands in for the platform's.
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const authenticator = {
    protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true,
  };
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: authenticator });

  const signInWithPassword = async (who) => {
    await page.goto('/login');
    await page.fill('#login', who);
    await page.fill('#password', password);
    await page.click('form[action="/login"] button[type=submit]');
  };
  const signOut = async () => {
    await page.goto('/account');
    await page.click('form[action="/logout"] button[type=submit]');
    await page.waitForURL('**/login**');
  };
  const addPasskey = async (name) => {
    await page.waitForSelector('[data-passkey-register]:not([hidden])');
    await page.fill('#passkey-name', name);
    await page.click('button[data-passkey-start="/account/passkeys/register"]');
  };

  // Password first; the account page then offers to add a passkey.
  await signInWithPassword(login);
  await page.waitForURL('**/account');
  steps.push('signed in with a password');

  // The first second factor of the account: backup codes, shown once in place.
  await addPasskey('Laptop');
  await page.waitForSelector('[data-passkey-register] .codes li', { timeout: 10000 });
  result.backupCodes = await page.locator('[data-passkey-register] .codes li').count();
  // Beside the new passkey's codes: their copy and download buttons, and no
  // "No passkeys yet" any more.
  await page.waitForSelector('[data-passkey-register] [data-codes-buttons]:not([hidden])');
  if (await page.isVisible('[data-passkeys-none]')) throw new Error('"No passkeys yet" beside "Passkey added"');
  steps.push('passkey added with backup codes');
  await page.click('[data-passkey-register] a.button');
  await page.waitForURL('**/account?done=passkey-added');
  await page.waitForSelector('section[aria-labelledby=passkeys] td:text-is("Laptop")');
  await page.waitForSelector('text=Passkey added.');
  steps.push('passkey listed');

  await signOut();
  steps.push('signed out');

  // No username, no password: the discoverable credential picks the account.
  // The page's return_to goes along.
  await page.goto('/login?return_to=%2Faccount%3Fvia%3Dpasskey');
  await page.waitForSelector('[data-passkey-login]:not([hidden])');
  await page.click('button[data-passkey-start="/login/passkey"]');
  await page.waitForURL('**/account?via=passkey', { timeout: 10000 });
  result.passwordless = new URL(page.url()).pathname + new URL(page.url()).search;
  const session = (await context.cookies(issuer)).find((c) => c.name === '__Host-gatehouse');
  result.cookie = session ? { httpOnly: session.httpOnly, secure: session.secure, sameSite: session.sameSite } : null;
  if (!(await page.textContent('h1')).includes('Your account')) throw new Error('not the account page');
  steps.push('signed in with the passkey alone');
  await signOut();

  // A second account with an authenticator app and then a passkey.
  await signInWithPassword(secondLogin);
  await page.waitForURL('**/account');
  await page.click('form[action="/account/totp/setup"] button[type=submit]');
  await page.waitForSelector('.secret');
  const secret = (await page.textContent('.secret')).trim();
  await page.fill('#code', totp(secret));
  await page.click('form[action="/account/totp/enable"] button[type=submit]');
  await page.waitForSelector('.codes');
  await page.goto('/account');
  await addPasskey('Phone');
  // Not the first second factor: no codes, straight back to the list.
  await page.waitForURL('**/account?done=passkey-added', { timeout: 10000 });
  await page.waitForSelector('section[aria-labelledby=passkeys] td:text-is("Phone")');
  steps.push('second account: authenticator app and passkey');
  await signOut();

  // Password, then the passkey as the second factor; without a return_to
  // the browser lands on its account.
  await signInWithPassword(secondLogin);
  await page.waitForSelector('[data-passkey-mfa]:not([hidden]) button');
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    await capture(page, `${shots}/mfa-passkey-${width}.png`);
  }
  await page.click('button[data-passkey-start="/mfa/passkey"]');
  await page.waitForURL('**/account', { timeout: 10000 });
  result.mfa = new URL(page.url()).pathname;
  steps.push('signed in with password and passkey');
  await signOut();

  // A device without any passkey: the page says so in place and stays usable.
  await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
  await cdp.send('WebAuthn.addVirtualAuthenticator', { options: authenticator });
  await page.goto('/login');
  await page.click('button[data-passkey-start="/login/passkey"]');
  await page.waitForSelector('[data-passkey-error]:not([hidden])', { timeout: 15000 });
  result.error = (await page.textContent('[data-passkey-error]')).trim();
  if (new URL(page.url()).pathname !== '/login') throw new Error('the page did not stay');
  if (await page.isDisabled('button[data-passkey-start="/login/passkey"]')) throw new Error('the button stays disabled');
  steps.push('an unknown passkey is refused in place');

  console.log(JSON.stringify(result));
} catch (e) {
  const where = page ? `${page.url()}\n${(await page.content()).slice(0, 3000)}` : '';
  console.error(String(e), JSON.stringify(result), where);
  process.exitCode = 1;
} finally {
  await browser.close();
}
