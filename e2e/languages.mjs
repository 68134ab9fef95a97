// The pages in German and Spanish, in real headless Chromium: a browser
// that asks for German (Accept-Language through the context's locale) gets
// German pages; the picker at the foot of a page, used by hand, switches to
// Spanish and the choice stays. Each page is checked at 320 and 1280 px:
// `<html lang>`, axe-core (WCAG 2 A/AA; longer words must not break a
// layout or a label) and no sideways scrolling; screenshots land in
// <shots>/<page>-<lang>-<width>.png. Driven by
// crates/gatehouse/tests/api/e2e.rs:
//   node languages.mjs <issuer> <admin_login> <admin_password> <shots>
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { capture, run } from './chromium.mjs';

const [issuer, login, password, shots] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const signedOut = ['/login', '/register', '/forgot-password'];
const signedIn = ['/account', '/admin/users', '/admin/roles', '/admin/clients', '/admin/upstreams', '/admin/keys', '/admin/audit'];

await run(async (browser, watch) => {
  const context = await browser.newContext({ baseURL: issuer, locale: 'de-DE', viewport: { width: 1280, height: 800 } });
  const page = watch(await context.newPage());
  const problems = [];
  page.on('console', (m) => { if (/Content.Security.Policy|Refused/i.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
  const seen = [];
  const a11y = [];
  const wide = [];

  // The page as it is now, at each width: its language, its heading, axe, sideways.
  const check = async (name) => {
    const lang = await page.evaluate(() => document.documentElement.lang);
    const h1 = (await page.textContent('h1')).trim();
    seen.push({ name, lang, h1 });
    for (const width of [320, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      const look = `${name}-${lang}-${width}`;
      await capture(page, `${shots}/${look}.png`);
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (sideways > 0) wide.push(`${look}: scrolls sideways by ${sideways} px`);
      await page.evaluate(axeSource);
      const result = await page.evaluate(() => axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa'] }));
      for (const v of result.violations) {
        a11y.push(`${look}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      }
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  };
  const visit = async (path) => {
    await page.goto(path);
    await check(path.slice(1).replaceAll('/', '-'));
  };

  // German, because the browser asks for it.
  for (const path of signedOut) await visit(path);

  // The picker, by hand: Spanish, and it stays for the next page.
  await page.goto('/login');
  await page.selectOption('#language-pick', 'es');
  await page.click('form.languages button[type=submit]');
  await page.waitForFunction(() => document.documentElement.lang === 'es');
  const picked = new URL(page.url()).pathname;
  for (const path of signedOut) await visit(path);

  // Signed in, in Spanish.
  await page.goto('/login?return_to=%2Faccount');
  await page.fill('#login', login);
  await page.fill('#password', password);
  await page.click('form[action="/login"] button[type=submit]');
  await page.waitForURL('**/account');
  for (const path of signedIn) await visit(path);

  // Back to German with the picker, signed in.
  await page.goto('/account');
  await page.selectOption('#language-pick', 'de');
  await page.click('form.languages button[type=submit]');
  await page.waitForFunction(() => document.documentElement.lang === 'de');
  for (const path of signedIn) await visit(path);

  return { seen, picked, a11y, wide, problems };
});
