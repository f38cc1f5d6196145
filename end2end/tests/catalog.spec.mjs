import { test, expect, signIn } from './fixtures.mjs';

test('a storekeeper builds the category tree and edits a product card', async ({ page, errors, request }, info) => {
  const tag = `${info.project.name}-${Date.now()}`;
  await signIn(page, 'storekeeper1');
  await page.goto('/stock/categories');
  await page.waitForSelector('body[data-ready]');
  const form = page.getByTestId('category-form');
  await form.locator('input[name=name]').fill(`Садовый инструмент ${tag}`);
  await form.locator('button[type=submit]').click();
  const top = page.getByTestId('category').filter({ hasText: `Садовый инструмент ${tag}` });
  await expect(top).toHaveCount(1);
  const topId = await top.getAttribute('data-id');
  await form.locator('input[name=name]').fill(`Секаторы ${tag}`);
  await form.locator('select[name=parent]').selectOption(topId);
  await form.locator('button[type=submit]').click();
  const child = page.getByTestId('category').filter({ hasText: `Секаторы ${tag}` });
  await expect(child).toContainText('— ');
  // Rename the child.
  await child.getByTestId('edit-category').click();
  await form.locator('input[name=name]').fill(`Секаторы и сучкорезы ${tag}`);
  await form.locator('button[type=submit]').click();
  await expect(page.getByTestId('category').filter({ hasText: `Секаторы и сучкорезы ${tag}` })).toHaveCount(1);

  // A product put into the new subcategory with a new price and barcode.
  const login = await request.post('/api/v1/auth/login', { data: { login: 'admin', password: 'demo' } });
  const { token } = await login.json();
  const created = await request.post('/api/v1/products', {
    headers: { authorization: `Bearer ${token}` },
    data: { sku: `E2E-EDIT-${tag}`, name: `Секатор ${tag}`, unit: 'pcs', price: '990' },
  });
  expect(created.status()).toBe(201);
  const product = await created.json();
  await page.goto(`/stock?product=${product.id}`);
  await page.waitForSelector('body[data-ready]');
  await page.getByTestId('edit-product').click();
  const card = page.getByTestId('product-form');
  await expect(card.locator('input[name=sku]')).toHaveValue(`E2E-EDIT-${tag}`);
  await card.locator('input[name=name]').fill(`Секатор профессиональный ${tag}`);
  await card.locator('input[name=price]').fill('1290,50');
  const barcode = `21${String(Date.now()).slice(-10)}${info.project.name.length}`;
  await card.locator('input[name=barcodes]').fill(barcode);
  await card.locator('select[name=category]').selectOption({ label: `— Секаторы и сучкорезы ${tag}` });
  await card.locator('button[type=submit]').click();
  await expect(page).toHaveURL(new RegExp(`/stock\\?product=${product.id}`));
  await expect(page.getByTestId('product-name')).toHaveText(`Секатор профессиональный ${tag}`);
  // The new barcode finds it.
  await page.getByTestId('product-search').fill(barcode);
  await expect(page.getByTestId('search-hits')).toContainText(`Секатор профессиональный ${tag}`);
  const saved = await (await request.get(`/api/v1/products/${product.id}`, { headers: { authorization: `Bearer ${token}` } })).json();
  expect(saved.price).toBe('1290.5');
  expect(saved.category).toBe(`Секаторы и сучкорезы ${tag}`);
});
