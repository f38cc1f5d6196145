import { test, expect, signIn } from './fixtures.mjs';

test('an admin signs in, sees the shell and signs out', async ({ page, errors }) => {
  await signIn(page, 'admin');
  await expect(page.locator('h1')).toContainText('Ирина Администратор');
  await expect(page.getByTestId('my-role')).toHaveText('Administrator');
  await expect(page.getByTestId('live-status')).toHaveClass(/on/);
  await page.getByTestId('user-menu').click();
  await page.getByTestId('sign-out').click();
  await page.waitForURL('**/login');
  // The session is gone: the shell sends us back to the login page.
  await page.goto('/settings');
  await page.waitForURL('**/login');
});

test('a wrong password shows a translated error', async ({ page, errors }) => {
  errors.allow(/status of 401/);
  await page.goto('/login');
  await page.waitForSelector('body[data-ready]');
  await page.fill('input[name=login]', 'seller2');
  await page.fill('input[name=password]', 'not-the-password');
  await page.click('button[type=submit]');
  await expect(page.getByRole('alert')).toHaveText('Wrong login or password.');
  await expect(page).toHaveURL(/\/login$/);
});

test('a Russian browser gets the Russian UI and errors', async ({ openUser }) => {
  const page = await openUser({ locale: 'ru-RU' });
  await page.goto('/login');
  await page.waitForSelector('body[data-ready]');
  await expect(page.locator('h1')).toHaveText('Вход в Витрину');
  page.vitrinaErrors.allow(/status of 401/);
  await page.fill('input[name=login]', 'seller3');
  await page.fill('input[name=password]', 'wrong');
  await page.click('button[type=submit]');
  await expect(page.getByRole('alert')).toHaveText('Неверный логин или пароль.');
});
