import { test, expect, signIn } from './fixtures.mjs';

// The test server warns about holds ending within VITRINA_HOLD_WARN_HOURS (set above the
// hold time there), sweeping every second, so a new hold is warned about at once.
test('a seller is warned in the bell before a client hold lapses', async ({ page, errors, request }, info) => {
  const suffix = `bell-${info.project.name}-${Date.now()}`;
  const login = await request.post('/api/v1/auth/login', { data: { login: 'admin', password: 'demo' } });
  const { token } = await login.json();
  const headers = { authorization: `Bearer ${token}` };
  const created = await request.post('/api/v1/products', {
    headers,
    data: { sku: `E2E-${suffix}`, name: `Шуруповёрт ${suffix}`, unit: 'pcs', price: '4990' },
  });
  expect(created.status()).toBe(201);
  const product = await created.json();
  const locations = await (await request.get('/api/v1/locations', { headers })).json();
  const shop = locations.find((l) => l.name === 'Магазин «Невский»');
  expect((await request.post('/api/v1/stock/receipts', {
    headers,
    data: { location_id: shop.id, lines: [{ product_id: product.id, qty: '3' }] },
  })).status()).toBe(201);

  await signIn(page, 'seller5');
  // Start from a read bell so the new one is the only unread.
  await page.getByTestId('bell').click();
  await page.getByTestId('bell-read-all').click();
  await expect(page.getByTestId('bell-count')).toHaveCount(0);
  await page.getByTestId('bell').click();

  await page.goto(`/stock?product=${product.id}`);
  await page.waitForSelector('body[data-ready]');
  await page.getByTestId(`reserve-${shop.id}`).click();
  await page.getByTestId('reserve-form').locator('input[name=client]').fill('Козлова, +7 921 000-11-22');
  await page.getByTestId('reserve-form').locator('button[type=submit]').click();
  await expect(page.getByTestId('reserve-form')).toBeHidden();

  // The warning arrives live, without a reload.
  await expect(page.getByTestId('bell-count')).toHaveText('1', { timeout: 10_000 });
  await page.goto('/');
  await page.waitForSelector('body[data-ready]');
  await expect(page.getByTestId('bell-count')).toHaveText('1');
  await page.getByTestId('bell').click();
  const item = page.getByTestId('notification').filter({ hasText: product.name });
  await expect(item).toContainText('Client hold ends soon');
  await expect(item).toContainText('Козлова');
  await item.click();
  await expect(page).toHaveURL(new RegExp(`product=${product.id}`));
  await expect(page.getByTestId('product-name')).toHaveText(product.name);
  await expect(page.getByTestId('bell-count')).toHaveCount(0);
});
