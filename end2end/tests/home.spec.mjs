import { test, expect, signIn, headersOf, tverskayaOrder } from './fixtures.mjs';

/** Elements of the page's content wider than their box (and the page itself). */
async function sidewaysScroll(page) {
  return page.evaluate(() => {
    const wide = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) wide.push(`page ${root.scrollWidth} > ${root.clientWidth}`);
    for (const el of document.querySelectorAll('.content *')) {
      // Text for screen readers only is a 1 px clipped box: it overflows by design.
      if (el.closest('.visually-hidden')) continue;
      if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
        wide.push(`${el.tagName.toLowerCase()}.${el.className} ${el.scrollWidth} > ${el.clientWidth}`);
      }
    }
    return wide;
  });
}

/** Links and buttons of the content lower than 44 px. */
async function smallTargets(page, selector) {
  return page.evaluate((selector) => [...document.querySelectorAll(selector)]
    .map((el) => [el.textContent.trim().slice(0, 40), el.getBoundingClientRect().height])
    .filter(([, h]) => h < 44), selector);
}

test('seller1 finds an order by the client\'s phone typed another way and by a part of its number', async ({ page, errors, request }, info) => {
  const tag = `${info.project.name}${Date.now() % 1000000}`;
  const digits = String(Date.now()).slice(-7);
  const seller = await headersOf(request, 'seller1');
  const client = await (await request.post('/api/v1/clients', {
    headers: seller, data: { name: `Искомая Клиентка ${tag}`, phones: [`+7 (916) ${digits}`] },
  })).json();
  const admin = await headersOf(request, 'admin');
  const product = await (await request.post('/api/v1/products', {
    headers: admin, data: { sku: `E2E-SRCH-${tag}`, name: `Товар поиска ${tag}`, unit: 'pcs', price: '700' },
  })).json();
  const locations = await (await request.get('/api/v1/locations', { headers: admin })).json();
  const shop = locations.find((l) => l.name === 'Магазин «Тверская»');
  expect((await request.post('/api/v1/stock/receipts', {
    headers: admin, data: { location_id: shop.id, lines: [{ product_id: product.id, qty: '3' }] },
  })).status()).toBe(201);
  const created = await request.post('/api/v1/orders', {
    headers: seller, data: { client_id: client.id, fulfilment: 'pickup', lines: [{ product_id: product.id, location_id: shop.id, qty: '1' }] },
  });
  expect(created.status()).toBe(201);
  const order = await created.json();

  await signIn(page, 'seller1');
  await page.goto('/orders');
  const search = page.getByTestId('order-search');
  await expect(page.getByRole('searchbox', { name: 'Number, client or phone' })).toBeVisible();
  // The same number as «8 916 …» without brackets.
  await search.fill(`8 916 ${digits}`);
  await expect(page).toHaveURL(/\/orders\?q=/);
  const rows = page.getByTestId('order-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(order.number);
  await expect(rows.first()).toContainText(`Искомая Клиентка ${tag}`);
  // A reload keeps the search.
  await page.reload();
  await page.waitForSelector('body[data-ready]');
  await expect(page.getByTestId('order-search')).toHaveValue(`8 916 ${digits}`);
  await expect(page.getByTestId('order-row')).toHaveCount(1);
  expect(await sidewaysScroll(page)).toEqual([]);

  // A part of the number (its last six characters).
  const part = order.number.slice(-6);
  await page.getByTestId('order-search').fill(part);
  await expect(page).toHaveURL(new RegExp(`q=${part}`));
  await expect(page.getByTestId('order-row').filter({ hasText: order.number })).toBeVisible();
  for (const text of await page.getByTestId('order-row').locator('td:first-child').allTextContents()) {
    expect(text).toContain(part);
  }
  // Nothing found: a sentence, not an empty table.
  await page.getByTestId('order-search').fill(`нет-такого-${tag}`);
  await expect(page.getByTestId('orders-empty')).toHaveText('No orders match this search.');
  // Cleared: the whole list again, the URL without the query.
  await page.getByTestId('order-search').fill('');
  await expect(page).toHaveURL(/\/orders$/);
  await expect(page.getByTestId('order-row').first()).toBeVisible();
});

test('home by role: seller1 sees their open orders, the director sales by shop with a chain total, storekeeper1 transfers to receive', async ({ page, errors, request, openUser }, info) => {
  const tag = `${info.project.name}${Date.now() % 1000000}`;
  const { order, product, shop } = await tverskayaOrder(request, { sku: `E2E-HOME-${tag}`, name: `Товар дома ${tag}`, price: '990', qty: '1' });

  await signIn(page, 'seller1');
  const orders = page.getByTestId('home-orders');
  await expect(orders.getByRole('heading', { name: 'My open orders' })).toBeVisible();
  const mine = orders.getByTestId('home-order').filter({ hasText: order.number });
  await expect(mine).toBeVisible();
  await expect(mine).toHaveAttribute('href', `/orders/${order.id}`);
  await expect(page.getByTestId('home-holds').getByRole('heading')).toHaveText('Holds lapsing today');
  await expect(page.getByTestId('home-mentions')).toBeVisible();
  await expect(page.getByText('on the left')).toHaveCount(0);
  expect(await smallTargets(page, '.home-block a')).toEqual([]);
  expect(await sidewaysScroll(page)).toEqual([]);
  await mine.click();
  await expect(page).toHaveURL(new RegExp(`/orders/${order.id}$`));

  const director = await openUser();
  await signIn(director, 'director');
  const sales = director.getByTestId('home-sales');
  await expect(sales.getByRole('heading', { name: 'Today\'s sales by shop' })).toBeVisible();
  await expect(sales.getByTestId('home-sales-row').filter({ hasText: 'Тверская' })).toBeVisible();
  await expect(sales.getByTestId('home-sales-total')).toContainText('Chain total');
  await expect(director.getByTestId('home-receivables')).toBeVisible();
  expect(await sidewaysScroll(director)).toEqual([]);

  // A transfer on its way to the storekeeper's warehouse.
  const admin = await headersOf(request, 'admin');
  const locations = await (await request.get('/api/v1/locations', { headers: admin })).json();
  const podolsk = locations.find((l) => l.name === 'Склад «Подольск»');
  const sent = await request.post('/api/v1/stock/documents', {
    headers: admin,
    data: { kind: 'transfer', location_id: shop.id, to_location_id: podolsk.id, lines: [{ product_id: product.id, qty: '1' }] },
  });
  expect(sent.status()).toBe(201);
  const transfer = await sent.json();
  const storekeeper = await openUser();
  await signIn(storekeeper, 'storekeeper1');
  const transfers = storekeeper.getByTestId('home-transfers');
  await expect(transfers.getByRole('heading', { name: 'Transfers to receive' })).toBeVisible();
  await expect(transfers.locator(`a[href="/stock/documents/${transfer.id}"]`)).toBeVisible();
  expect(await smallTargets(storekeeper, '.home-block a')).toEqual([]);
  expect(await sidewaysScroll(storekeeper)).toEqual([]);
});
