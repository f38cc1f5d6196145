import { test, expect, signIn } from './fixtures.mjs';

test('an admin designs a process: stages, actions, a move with its roles', async ({ page, errors, request }, info) => {
  const name = `Заказ под заказ ${info.project.name} ${Date.now() % 1000000}`;
  await signIn(page, 'admin');
  await page.goto('/settings/processes');
  await page.waitForSelector('body[data-ready]');
  // The three every chain starts with (other tests may have added more).
  await expect(page.getByTestId('process').filter({ hasText: 'Розничный заказ' })).toHaveCount(1);
  expect(await page.getByTestId('process').count()).toBeGreaterThanOrEqual(3);
  await page.getByTestId('new-process').click();
  const designer = page.getByTestId('designer');
  await designer.locator('input[name=process-name]').fill(name);
  await designer.locator('input[name=process-name]').press('Tab');
  await designer.locator('input[name=stage0]').fill('Новый');
  await designer.locator('input[name=stage0]').press('Tab');
  await designer.locator('select[name=add-action0]').selectOption('reserve_all');
  await expect(designer.getByTestId('stage-editor').first()).toContainText('Reserve all lines');
  await designer.getByTestId('add-stage').click();
  await designer.locator('input[name=stage1]').fill('Выдан');
  await designer.locator('input[name=stage1]').press('Tab');
  await designer.locator('select[name=kind1]').selectOption('done');
  await designer.locator('select[name=add-action1]').selectOption('fulfil');
  await designer.locator('select[name=add-action1]').selectOption('notify:role:accountant');
  const move = designer.getByTestId('new-transition');
  await move.locator('select[name=from]').selectOption({ label: 'Новый' });
  await move.locator('select[name=to]').selectOption({ label: 'Выдан' });
  await move.getByTestId('add-transition').click();
  await expect(designer.getByTestId('transitions').getByTestId('transition')).toHaveCount(1);
  // What the move requires and which orders it is for.
  const rules = designer.getByTestId('transition-rules');
  await rules.getByTestId('guard-paid').check();
  await rules.getByTestId('guard-comment').check();
  await rules.getByTestId('fulfilment-delivery').uncheck();
  await designer.getByTestId('save-process').click();
  await expect(designer.getByTestId('process-saved')).toBeVisible();
  await expect(page.getByTestId('process').filter({ hasText: name })).toHaveCount(1);

  const login = await request.post('/api/v1/auth/login', { data: { login: 'admin', password: 'demo' } });
  const { token } = await login.json();
  const processes = await (await request.get('/api/v1/processes', { headers: { authorization: `Bearer ${token}` } })).json();
  const saved = processes.find((p) => p.name === name);
  expect(saved.stages.map((s) => [s.name, s.kind])).toEqual([['Новый', 'open'], ['Выдан', 'done']]);
  expect(saved.stages[1].actions).toEqual([{ action: 'fulfil', param: '' }, { action: 'notify', param: 'role:accountant' }]);
  expect(saved.transitions[0].roles.sort()).toEqual(['admin', 'director', 'manager']);
  expect(saved.transitions[0].guards).toMatchObject({ paid: true, comment: true, no_transit: false });
  expect(saved.transitions[0].fulfilments.sort()).toEqual(['pickup', 'pickup_other']);
});
