import { test, expect, signIn } from './fixtures.mjs';

test('an admin creates a shop and another browser sees it appear without reload', async ({ page, errors, openUser }, info) => {
  const name = `Магазин «Тест ${info.project.name} ${Date.now()}»`;
  const viewer = await openUser();
  await signIn(viewer, 'director');
  await viewer.goto('/settings/locations');
  await viewer.waitForSelector('[data-testid=locations-table]');
  await expect(viewer.getByTestId('live-status')).toHaveClass(/on/);

  await signIn(page, 'admin');
  await page.goto('/settings/locations');
  await page.getByTestId('new-location').click();
  const form = page.getByTestId('location-form');
  await form.locator('input[name=name]').fill(name);
  await form.locator('select[name=kind]').selectOption('shop');
  await form.locator('input[name=city]').fill('Калуга');
  await form.locator('input[name=address]').fill('ул. Кирова, 19');
  await form.locator('input[name=lat]').fill('54,5138');
  await form.locator('input[name=lon]').fill('36.2612');
  await form.locator('button[type=submit]').click();
  await expect(page.getByTestId('location-form')).toBeHidden();
  await expect(page.getByTestId('locations-table')).toContainText(name);

  // The other browser never reloaded.
  await expect(viewer.getByTestId('locations-table')).toContainText(name);
  await expect(viewer.getByTestId('new-location')).toHaveCount(0);
});

test('a location form with a bad latitude shows a translated, field-specific error', async ({ page, errors }) => {
  errors.allow(/status of 422/);
  await signIn(page, 'admin');
  await page.goto('/settings/locations');
  await page.getByTestId('new-location').click();
  const form = page.getByTestId('location-form');
  await form.locator('input[name=name]').fill(`Ошибка ${Date.now()}`);
  await form.locator('input[name=city]').fill('Омск');
  await form.locator('input[name=address]').fill('ул. Ленина, 1');
  await form.locator('input[name=lat]').fill('95');
  await form.locator('input[name=lon]').fill('73.36');
  await form.locator('button[type=submit]').click();
  await expect(form.getByRole('alert')).toHaveText('Latitude: out of range');
});

test('an admin adds an employee, who signs in, then deactivates them', async ({ page, errors, openUser }, info) => {
  const login = `e2e${info.project.name}${Date.now() % 100000}`;
  await signIn(page, 'admin');
  await page.goto('/settings/employees');
  await page.getByTestId('new-employee').click();
  const form = page.getByTestId('employee-form');
  await form.locator('input[name=name]').fill('Тестовый Продавец');
  await form.locator('input[name=login]').fill(login);
  await form.locator('select[name=role]').selectOption('manager');
  await form.locator('select[name=home]').selectOption({ label: 'Магазин «Невский»' });
  await form.locator('input[name=password]').fill('tablet-pass');
  await form.locator('button[type=submit]').click();
  const row = page.getByTestId('employee-row').filter({ hasText: login });
  await expect(row).toContainText('Магазин «Невский»');

  const seller = await openUser();
  await signIn(seller, login, 'tablet-pass');

  // Once deactivated, their open page's requests (a live reconnect, a refetch) are
  // refused with 401/403 — expected, so those console lines are allowed from here on.
  seller.vitrinaErrors.allow(/status of 40[13]/);
  await row.getByRole('button', { name: 'Deactivate' }).click();
  await expect(row).toContainText('Deactivated');
  // Their next visit lands on the login page, and signing in is refused.
  await seller.goto('/');
  await seller.waitForURL('**/login');
  await seller.waitForSelector('body[data-ready]');
  await seller.fill('input[name=login]', login);
  await seller.fill('input[name=password]', 'tablet-pass');
  await seller.click('button[type=submit]');
  await expect(seller.getByRole('alert')).toHaveText('This account is deactivated. Ask an administrator.');
});
