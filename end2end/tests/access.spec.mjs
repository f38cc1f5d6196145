import { test, expect, signIn } from './fixtures.mjs';

test('an admin lets a Kazan seller work with a Moscow shop, and adds a fund', async ({ page, errors, openUser, request }, info) => {
  const login = await request.post('/api/v1/auth/login', { data: { login: 'admin', password: 'demo' } });
  const headers = { authorization: `Bearer ${(await login.json()).token}` };
  const locations = await (await request.get('/api/v1/locations', { headers })).json();
  const moscowId = locations.find((l) => l.name === 'Магазин «Тверская»').id;
  const employees = await (await request.get('/api/v1/employees', { headers })).json();
  const sellerId = employees.find((e) => e.login === 'seller3').id;
  await signIn(page, 'admin');
  await page.goto('/settings/access');
  await page.waitForSelector('body[data-ready]');
  const moscow = page.getByTestId(`access-${sellerId}-${moscowId}`);
  const wasOn = await moscow.isChecked();
  await moscow.click();
  await expect(moscow).toBeChecked({ checked: !wasOn });

  // Funds.
  const fund = `Подарочные сертификаты ${info.project.name} ${Date.now() % 100000}`;
  await page.goto('/settings/funds');
  await page.waitForSelector('body[data-ready]');
  await page.getByTestId('fund-form').locator('input[name=fund]').fill(fund);
  await page.getByTestId('fund-form').locator('button[type=submit]').click();
  await expect(page.getByTestId('funds')).toContainText(fund);

  // A seller may not open the access screen's data.
  const seller = await openUser();
  seller.vitrinaErrors.allow(/status of 403/);
  await signIn(seller, 'seller3');
  await seller.goto('/settings/access');
  await expect(seller.getByTestId('access-row')).toHaveCount(0);
});
