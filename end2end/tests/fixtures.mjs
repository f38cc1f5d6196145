// Shared fixtures: every page (including extra browser contexts) fails its test on any
// page error or console error, since a hydration panic shows nowhere else.
import { test as base, expect } from '@playwright/test';

export { expect };

/** Collects page errors and console errors of a page. `allowed` lists regexes a test expects. */
export function watch(page) {
  const errors = [];
  const allowed = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return {
    allow: (re) => allowed.push(re),
    check: () => {
      const unexpected = errors.filter((e) => !allowed.some((re) => re.test(e)));
      expect(unexpected, 'page or console errors').toEqual([]);
    },
  };
}

/** `page.goto` that also waits for hydration (`body[data-ready]`), so a test acts on the
 * interactive page; `{ hydrated: false }` returns at the server's HTML (tests of what a
 * tablet can do before the WASM arrives). */
function hydratingGoto(page) {
  const goto = page.goto.bind(page);
  page.goto = async (url, options = {}) => {
    const { hydrated = true, ...rest } = options;
    const response = await goto(url, rest);
    if (hydrated) await page.waitForSelector('body[data-ready]');
    return response;
  };
  return page;
}

export const test = base.extend({
  page: async ({ page }, use) => {
    await use(hydratingGoto(page));
  },
  errors: async ({ page }, use) => {
    const w = watch(page);
    await use(w);
    w.check();
  },
  /** Opens another signed-out browser context with the same device settings. */
  openUser: async ({ browser, viewport, hasTouch, baseURL, locale }, use) => {
    const opened = [];
    await use(async (options = {}) => {
      const context = await browser.newContext({ viewport, hasTouch, baseURL, locale, ...options });
      const page = hydratingGoto(await context.newPage());
      const w = watch(page);
      page.vitrinaErrors = w;
      opened.push({ context, w });
      return page;
    });
    for (const { context, w } of opened) {
      w.check();
      await context.close();
    }
  },
});

/** Signs in through the login page and waits for the hydrated shell. */
export async function signIn(page, login, password = 'demo') {
  await page.goto('/login');
  await page.waitForSelector('body[data-ready]');
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL((url) => url.pathname === '/');
  await page.waitForSelector('body[data-ready]');
  await expect(page.getByTestId('user-menu')).toBeVisible();
}

/** Opens the navigation drawer on narrow screens; a no-op on desktop. */
export async function openNav(page) {
  const toggle = page.locator('.nav-toggle');
  if (await toggle.isVisible()) await toggle.click();
}

/** Routes this page's live channel (`/ws`) through the test, so it can be cut and
 * restored: `cut()` closes it and refuses reconnects, `restore()` lets the page's
 * backoff retry get through again. Call before the page opens its socket. */
export async function liveSwitch(page) {
  let blocked = false;
  let current = null;
  await page.routeWebSocket(/\/ws$/, (ws) => {
    if (blocked) {
      ws.close({ code: 1013, reason: 'test: server unreachable' });
      return;
    }
    ws.connectToServer();
    current = ws;
  });
  return {
    cut: async () => {
      blocked = true;
      await current?.close({ code: 1012, reason: 'test: restart' });
    },
    restore: () => {
      blocked = false;
    },
  };
}

/** Bearer headers of a demo user, for setting up data through the REST API. */
export async function headersOf(request, login) {
  const res = await request.post('/api/v1/auth/login', { data: { login, password: 'demo' } });
  const { token } = await res.json();
  return { authorization: `Bearer ${token}` };
}

/** A product in stock at «Тверская» and seller1's order of `qty` of it there. */
export async function tverskayaOrder(request, { sku, name, price, qty }) {
  const admin = await headersOf(request, 'admin');
  const product = await (await request.post('/api/v1/products', {
    headers: admin, data: { sku, name, unit: 'pcs', price },
  })).json();
  const locations = await (await request.get('/api/v1/locations', { headers: admin })).json();
  const shop = locations.find((l) => l.name === 'Магазин «Тверская»');
  expect((await request.post('/api/v1/stock/receipts', {
    headers: admin, data: { location_id: shop.id, lines: [{ product_id: product.id, qty: '5' }] },
  })).status()).toBe(201);
  const seller = await headersOf(request, 'seller1');
  const created = await request.post('/api/v1/orders', {
    headers: seller, data: { shop_id: shop.id, fulfilment: 'pickup', lines: [{ product_id: product.id, location_id: shop.id, qty }] },
  });
  expect(created.status()).toBe(201);
  return { order: await created.json(), product, shop };
}

/** Creates a product through the REST API (as admin) with `qty` at the seller1 shop. */
export async function productWithLastUnit(request, suffix, where = 'Магазин «Тверская»', qty = '1') {
  const login = await request.post('/api/v1/auth/login', { data: { login: 'admin', password: 'demo' } });
  const { token } = await login.json();
  const headers = { authorization: `Bearer ${token}` };
  const barcode = `29${String(Date.now()).slice(-10)}${suffix.length}`;
  const created = await request.post('/api/v1/products', {
    headers,
    data: { sku: `E2E-${suffix}`, name: `Перфоратор тестовый ${suffix}`, unit: 'pcs', price: '12990', barcodes: [barcode] },
  });
  expect(created.status()).toBe(201);
  const product = await created.json();
  const locations = await (await request.get('/api/v1/locations', { headers })).json();
  const shop = locations.find((l) => l.name === where);
  const receipt = await request.post('/api/v1/stock/receipts', {
    headers,
    data: { location_id: shop.id, lines: [{ product_id: product.id, qty }] },
  });
  expect(receipt.status()).toBe(201);
  return { product, shop, barcode };
}
