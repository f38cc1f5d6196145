import { test, expect, signIn } from './fixtures.mjs';

test('a task is added from an order card, lands on the board and moves along', async ({ page, errors, request }, info) => {
  const tag = `${info.project.name}${Date.now() % 1000000}`;
  const login = await request.post('/api/v1/auth/login', { data: { login: 'admin', password: 'demo' } });
  const headers = { authorization: `Bearer ${(await login.json()).token}` };
  const product = await (await request.post('/api/v1/products', {
    headers, data: { sku: `E2E-TASK-${tag}`, name: `Обои ${tag}`, unit: 'pcs', price: '990' },
  })).json();
  const locations = await (await request.get('/api/v1/locations', { headers })).json();
  const shop = locations.find((l) => l.name === 'Магазин «Тверская»');
  await request.post('/api/v1/stock/receipts', { headers, data: { location_id: shop.id, lines: [{ product_id: product.id, qty: '1' }] } });
  const order = await (await request.post('/api/v1/orders', {
    headers, data: { shop_id: shop.id, fulfilment: 'pickup', lines: [{ product_id: product.id, location_id: shop.id, qty: '1' }] },
  })).json();

  await signIn(page, 'seller1');
  await page.goto(`/orders/${order.id}`);
  await page.waitForSelector('body[data-ready]');
  await page.getByTestId('new-linked-task').click();
  await expect(page).toHaveURL(new RegExp(`/tasks\\?order=${order.id}`));
  const form = page.getByTestId('task-form');
  await form.locator('input[name=title]').fill(`Позвонить клиенту ${tag}`);
  await form.locator('select[name=assignee]').selectOption({ label: 'Николай Складов' });
  await form.locator('input[name=due]').fill('2030-01-15');
  await form.locator('button[type=submit]').click();
  const card = page.getByTestId('task-card').filter({ hasText: `Позвонить клиенту ${tag}` });
  await expect(page.getByTestId('task-column').first().getByTestId('task-card').filter({ hasText: tag })).toHaveCount(1);
  await expect(card).toContainText('Jan 15, 2030');
  await card.getByTestId('task-move').filter({ hasText: 'В работе' }).click();
  await expect(page.getByTestId('task-column').nth(1).getByTestId('task-card').filter({ hasText: tag })).toHaveCount(1);
  // The order shows its task.
  await page.goto(`/orders/${order.id}`);
  await expect(page.getByTestId('linked-tasks')).toContainText(`Позвонить клиенту ${tag}`);
  await expect(page.getByTestId('linked-tasks')).toContainText('В работе');
});
