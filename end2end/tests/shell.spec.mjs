import { test, expect, signIn, openNav } from './fixtures.mjs';

test('switching the language translates the shell and is remembered', async ({ page, errors }) => {
  await signIn(page, 'seller1');
  await openNav(page);
  await expect(page.locator('.sidebar')).toContainText('Stock');
  if (await page.locator('.nav-toggle').isVisible()) await page.locator('.nav-toggle').click();
  await page.getByTestId('user-menu').click();
  await page.getByTestId('lang-ru').click();
  await expect(page.getByTestId('my-role')).toHaveText('Менеджер (продавец)');
  await openNav(page);
  await expect(page.locator('.sidebar')).toContainText('Склад');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
  // The choice survives a reload (server-rendered in Russian, no hydration mismatch).
  await page.reload();
  await page.waitForSelector('body[data-ready]');
  await expect(page.getByTestId('my-role')).toHaveText('Менеджер (продавец)');
  await page.getByTestId('user-menu').click();
  await page.getByTestId('lang-en').click();
  await expect(page.getByTestId('my-role')).toHaveText('Manager (seller)');
});

test('every section of the navigation opens', async ({ page, errors }) => {
  await signIn(page, 'director');
  for (const [href, title] of [
    ['/stock', 'Stock'], ['/orders', 'Orders'], ['/tasks', 'Tasks'], ['/clients', 'Clients'], ['/chat', 'General chat'],
    ['/documents', 'Documents'], ['/reports', 'Reports'], ['/settings', 'Settings'],
  ]) {
    await openNav(page);
    await page.locator(`.sidebar a[href="${href}"]`).click();
    await expect(page).toHaveURL(new RegExp(`${href}$`));
    await expect(page.locator('h1')).toHaveText(title);
  }
});

test('navigation and buttons are touch-sized', async ({ page, errors }) => {
  await signIn(page, 'admin');
  await openNav(page);
  const targets = page.locator('.sidebar a, .topbar button, .content button');
  const count = await targets.count();
  expect(count).toBeGreaterThan(8);
  for (let i = 0; i < count; i++) {
    const box = await targets.nth(i).boundingBox();
    if (box) expect(box.height, `target ${i}`).toBeGreaterThanOrEqual(44);
  }
});

test('the shell shows who is online', async ({ page, errors, openUser }) => {
  await signIn(page, 'accountant');
  const other = await openUser();
  await signIn(other, 'storekeeper1');
  await page.getByTestId('online-count').click();
  await expect(page.getByTestId('online-list')).toContainText('Николай Складов');
  await expect(page.getByTestId('online-list')).toContainText('Марина Бухгалтер');
  await other.context().close();
  await expect(page.getByTestId('online-list')).not.toContainText('Николай Складов');
});

test.describe('the bundle split at its pages', () => {
  // The worker would precache every chunk at once: here we watch what the page itself asks for.
  test.use({ serviceWorkers: 'block' });

  test('the stock screen loads the main module only; another page brings its own chunk, also opened directly', async ({ page, errors }) => {
    const wasm = [];
    page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(new URL(r.url()).pathname.split('/').pop()); });
    await signIn(page, 'seller1');
    // The home page after sign-in is lazy too: count from the stock screen's own load.
    wasm.length = 0;
    await page.goto('/stock');
    await page.waitForSelector('body[data-ready]');
    expect(wasm.filter((f) => f !== 'vitrina_bg.wasm'), 'no page chunk for the first screen').toEqual([]);

    // Client-side navigation to a lazy page fetches its chunk, then the page works.
    await openNav(page);
    await page.locator('.sidebar a[href="/orders"]').click();
    await expect(page.locator('h1')).toHaveText('Orders');
    const chunks = wasm.filter((f) => f !== 'vitrina_bg.wasm');
    expect(chunks.length, 'the orders page came as a chunk').toBeGreaterThan(0);

    // Opened directly, a lazy page is rendered by the server, names its chunks in the head
    // and hydrates with them.
    await page.goto('/clients');
    await page.waitForSelector('body[data-ready]');
    await expect(page.locator('h1')).toHaveText('Clients');
    expect(await page.locator('link[rel=preload][href$=".wasm"]').count()).toBeGreaterThan(1);
    // The demo's first client: +7 910 100-00-00.
    await page.getByTestId('client-search').fill('9101000000');
    await expect(page.getByTestId('client-hit').first()).toBeVisible();
  });
});
