// The tablet through a network drop (DESIGN.md §5d): the last availability stays on
// screen marked stale; reservations and a new order wait in IndexedDB, survive a
// reload, and replay once when the network is back; what another seller took
// meanwhile becomes a conflict on screen; the API shows no duplicates and
// `vitrina check` passes.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, signIn, productWithLastUnit } from './fixtures.mjs';

async function token(request, login) {
  const res = await request.post('/api/v1/auth/login', { data: { login, password: 'demo' } });
  return { authorization: `Bearer ${(await res.json()).token}` };
}

/** `vitrina check` on the database the test server runs on. */
function vitrinaCheck() {
  const port = process.env.VITRINA_E2E_PORT || '3100';
  const url = readFileSync(join(process.env.TMPDIR || tmpdir(), `vitrina-e2e-${port}.db-url`), 'utf8').trim();
  const bin = process.env.VITRINA_BIN || '../target/debug/vitrina';
  return execFileSync(bin, ['check'], { env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8' });
}

async function reserveHere(page, shop, client) {
  await page.getByTestId(`reserve-${shop.id}`).click();
  const form = page.getByTestId('reserve-form');
  await form.locator('input[name=qty]').fill(client.qty);
  await form.locator('input[name=client]').fill(client.name);
  await form.locator('button[type=submit]').click();
}

test('through a drop: two holds and an order wait on the tablet, survive a reload, replay once; a unit sold meanwhile is a conflict', async ({ page, context, errors, request }, info) => {
  // No network means failed loads and a refused replay (409): expected here.
  errors.allow(/ERR_INTERNET_DISCONNECTED|ERR_NETWORK_CHANGED|ERR_FAILED|WebSocket|status of 409|net::/);
  const tag = `${info.project.name}-${Date.now()}`;
  const last = await productWithLastUnit(request, `off-last-${tag}`);
  const plenty = await productWithLastUnit(request, `off-many-${tag}`, 'Магазин «Тверская»', '5');
  const shop = last.shop;
  await signIn(page, 'seller1');
  // The service worker of this build takes the page over (it caches what opens next).
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);

  // The order form, filled while the network is still there.
  await page.goto('/orders/new');
  await page.getByTestId('product-search').fill(plenty.product.sku);
  await page.getByTestId('search-hits').locator('button').first().click();
  await page.locator(`[data-testid=take-from][data-location="${shop.id}"]`).click();
  await expect(page.getByTestId('draft-line')).toHaveCount(1);

  // The network goes: «Save» keeps the order on the tablet.
  await context.setOffline(true);
  await expect(page.getByTestId('offline-banner')).toContainText('Offline');
  await page.getByTestId('create-order').click();
  await expect(page.getByTestId('order-queued')).toBeVisible();
  await expect(page.getByTestId('queue-count')).toHaveText('operations waiting: 1');

  // Back online for a moment to open both products (the worker keeps these pages).
  await context.setOffline(false);
  await page.goto(`/stock?product=${plenty.product.id}`);
  await expect(page.getByTestId('product-name')).toHaveText(plenty.product.name);
  await page.goto(`/stock?product=${last.product.id}`);
  await expect(page.getByTestId('product-name')).toHaveText(last.product.name);
  // The queue went out as soon as the network came back: the order exists now.
  await expect(page.getByTestId('offline-banner')).toHaveCount(0);
  const seller1 = await token(request, 'seller1');
  let orders = await (await request.get('/api/v1/orders?limit=100', { headers: seller1 })).json();
  const withPlenty = async () => {
    const mine = [];
    for (const o of orders.slice(0, 20)) {
      const full = await (await request.get(`/api/v1/orders/${o.id}`, { headers: seller1 })).json();
      if (full.lines.some((l) => l.product_id === plenty.product.id)) mine.push(full);
    }
    return mine;
  };
  expect(await withPlenty()).toHaveLength(1);

  // Now the drop for real: figures stay, marked stale.
  await context.setOffline(true);
  await expect(page.getByTestId('stale-availability')).toBeVisible();
  const row = page.locator(`[data-testid=stock-row][data-location="${shop.id}"]`);
  await expect(row.getByTestId('available')).toHaveText('1');
  // Meanwhile a seller of the same shop, online, takes the last unit: this tablet can't know.
  const seller2 = await token(request, 'seller2');
  const taken = await request.post('/api/v1/reservations', {
    headers: seller2,
    data: { product_id: last.product.id, location_id: shop.id, qty: '1', client: 'Онлайн' },
  });
  expect(taken.status()).toBe(201);
  await expect(row.getByTestId('available')).toHaveText('1');

  // Two holds wait on the tablet.
  await reserveHere(page, shop, { qty: '1', name: 'Офлайн Первый' });
  await expect(page.getByTestId('reserve-notice')).toContainText('No network');
  await expect(page.getByTestId('queue-count')).toHaveText('operations waiting: 1');

  // A reload with no network: the page comes from the tablet, the queue from IndexedDB.
  await page.reload();
  await expect(page.getByTestId('product-name')).toHaveText(last.product.name);
  await expect(page.getByTestId('offline-banner')).toBeVisible();
  await page.goto(`/stock?product=${plenty.product.id}`);
  await expect(page.getByTestId('product-name')).toHaveText(plenty.product.name);
  await reserveHere(page, shop, { qty: '2', name: 'Офлайн Второй' });
  await expect(page.getByTestId('reserve-notice')).toContainText('No network');

  // The network returns: the hold of what is left lands, the other is a conflict.
  await context.setOffline(false);
  const conflict = page.getByTestId('queue-conflict');
  await expect(conflict).toHaveCount(1, { timeout: 20_000 });
  await expect(conflict).toContainText(last.product.name);
  await expect(conflict).toContainText('Not enough stock');
  await expect(page.getByTestId('queue-count')).toHaveText('operations waiting: 0');

  // The API: one hold each, nothing doubled.
  const availability = async (p) => (await (await request.get(`/api/v1/products/${p.id}/availability`, { headers: seller1 })).json())
    .find((l) => l.location_id === shop.id);
  expect((await availability(last.product)).reserved).toBe('1');
  // plenty: 1 for the order + 2 for the hold.
  expect((await availability(plenty.product)).reserved).toBe('3');
  orders = await (await request.get('/api/v1/orders?limit=100', { headers: seller1 })).json();
  expect(await withPlenty()).toHaveLength(1);

  // The seller resolves the conflict: cancel it; the banner goes.
  await conflict.getByTestId('conflict-cancel').click();
  await expect(page.getByTestId('offline-banner')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('offline-banner')).toHaveCount(0);

  expect(vitrinaCheck()).toContain('consistent');
});
