// The README's quick start in real headless Chromium, as a new user follows
// it: open the address the server printed, sign up, find the account page,
// sign out, sign in again; the same server at 127.0.0.1 leads to the same
// place. Each page is screenshotted at 375 and 1280 px. Driven by
// crates/gatehouse/tests/api/quick_start.rs:
//   node quick_start.mjs <issuer> <loopback_alias> <shots>
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { capture } from './chromium.mjs';

const [issuer, alias, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const user = { email: 'alice@example.com', username: 'alice', password: 'correct horse battery staple' };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const problems = [];
const steps = [];
let page;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.on('console', (m) => { if (/Content.Security.Policy|Refused/i.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
  const shoot = async (name) => {
    for (const width of [375, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      await capture(page, `${shots}/${name}-${width}.png`);
    }
  };
  const path = () => new URL(page.url()).pathname;
  // Submits a form and waits for the page it leads to (or the form again,
  // with its error).
  const submit = async (p, form) => {
    await Promise.all([p.waitForEvent('load'), p.click(`form[action="${form}"] button[type=submit]`)]);
  };
  const errors = async (p) => (await p.locator('.notice.error, p.error:not([hidden])').allTextContents()).join(' ');
  const expectAt = async (where) => {
    await page.waitForURL((u) => u.pathname === where);
    if (!page.url().startsWith(issuer)) throw new Error(`at ${page.url()}, not on ${issuer}`);
  };

  // The address the quick start names: its root leads to the sign-in page.
  await page.goto(`${issuer}/`);
  await expectAt('/login');
  await shoot('quick-start-login');
  steps.push('/ -> /login');

  // Sign up from there.
  await page.click('a[href="/register"]');
  await expectAt('/register');
  await page.fill('#email', user.email);
  await page.fill('#username', user.username);
  await page.fill('#password', user.password);
  await page.fill('#confirm_password', user.password);
  await submit(page, '/register');
  if (path() !== '/account') throw new Error(`sign-up ended at ${page.url()}: ${await errors(page)}`);
  await shoot('quick-start-account');
  steps.push('signed up');

  // Signed in, the root and the sign-in page lead to the account.
  await page.goto(`${issuer}/`);
  await expectAt('/account');
  await page.goto(`${issuer}/login`);
  await expectAt('/account');
  steps.push('/ and /login -> /account');

  // Sign out, then in again.
  await page.click('form[action="/logout"] button[type=submit]');
  await page.waitForURL((u) => u.pathname === '/login');
  await page.fill('#login', user.username);
  await page.fill('#password', user.password);
  await submit(page, '/login');
  if (path() !== '/account') throw new Error(`sign-in ended at ${page.url()}: ${await errors(page)}`);
  steps.push('signed in');

  // The same server under its other loopback name: the browser is sent to
  // the issuer's address, where it is signed in.
  await page.goto(`${alias}/login`);
  await expectAt('/account');
  steps.push(`${alias} -> ${issuer}`);

  // A browser that never visited: from the other name, sign-in works too.
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(`${alias}/`);
  await other.waitForURL((u) => u.pathname === '/login');
  await other.fill('#login', user.email);
  await other.fill('#password', user.password);
  await submit(other, '/login');
  if (new URL(other.url()).pathname !== '/account') {
    throw new Error(`signed in from ${alias}: at ${other.url()}: ${await errors(other)}`);
  }
  if (!other.url().startsWith(issuer)) throw new Error(`signed in from ${alias}, at ${other.url()}`);
  steps.push(`signed in from ${alias}`);

  console.log(JSON.stringify({ steps, problems }));
} catch (e) {
  if (page) await page.screenshot({ path: `${shots}/quick-start-failure.png`, fullPage: true }).catch(() => {});
  console.error(`quick start failed after ${JSON.stringify(steps)} at ${page?.url()}: ${e.stack || e}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
