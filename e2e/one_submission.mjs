// A form is sent once however often it is clicked (forms.js): the sign-in
// form's POST is held back until the page, after the first submission, has
// clicked the button again and tried to send the form once more; then the
// POST goes on and the person lands on their account. Driven by
// crates/gatehouse/tests/api/e2e.rs:
//   node one_submission.mjs <issuer> <login> <password>
import { run } from './chromium.mjs';

const [issuer, login, password] = process.argv.slice(2);
await run(async (browser, watch) => {
  const page = watch(await (await browser.newContext({ baseURL: issuer })).newPage());
  await page.goto('/login?return_to=%2Faccount');
  await page.fill('#login', login);
  await page.fill('#password', password);

  // In the page, after the first submission: click again, ask the form to
  // submit again, and report what the second try met. (Playwright cannot
  // evaluate in a page whose navigation is held, so the page reports itself.)
  let report;
  const tried = new Promise((resolve) => { report = resolve; });
  page.on('console', (m) => { if (m.text().startsWith('tried:')) report(JSON.parse(m.text().slice(6))); });
  await page.evaluate(() => {
    const form = document.querySelector('form[action="/login"]');
    const button = form.querySelector('button[type=submit]');
    const events = [];
    let again = false;
    window.addEventListener('submit', (event) => {
      events.push(event.defaultPrevented ? 'stopped' : 'sent');
      if (again) return;
      again = true;
      setTimeout(() => {
        button.click();
        form.requestSubmit();
        console.log('tried:' + JSON.stringify({
          events, disabled: button.disabled, spinner: button.classList.contains('sending'), busy: form.getAttribute('aria-busy'),
        }));
      }, 0);
    });
  });

  let posts = 0;
  await page.route((url) => url.pathname === '/login', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    posts += 1;
    await tried;
    return route.continue();
  });
  await page.click('form[action="/login"] button[type=submit]');
  await page.waitForURL('**/account');
  return { posts, tried: await tried, landed: new URL(page.url()).pathname };
});
