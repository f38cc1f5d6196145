import { test, signIn } from './fixtures.mjs';
test('probe: screenshot', async ({ page, errors }) => {
  await signIn(page, 'admin');
  await page.goto('/settings/employees');
  await page.waitForSelector('[data-testid=employees-table]');
  await page.waitForTimeout(1000);
  await page.screenshot({ path: `/tmp/shot-${test.info().project.name}.png`, fullPage: true });
});
