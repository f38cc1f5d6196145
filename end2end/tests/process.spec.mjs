import { test, expect, signIn } from './fixtures.mjs';

// The designer is mostly used in Russian.
test.use({ locale: 'ru-RU' });

/** Elements of `root` (and the page itself) wider than their box: nothing may scroll sideways. */
async function sideways(page, root) {
  const page_ = await page.evaluate(() => {
    const s = document.scrollingElement;
    return s.scrollWidth <= s.clientWidth;
  });
  const inside = await page.locator(root).evaluate((el) =>
    [el, ...el.querySelectorAll('*')]
      .filter((e) => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0)
      .map((e) => `${e.tagName}.${e.className} ${e.scrollWidth}>${e.clientWidth}`));
  return { page: page_, inside };
}

/** The stage names in the list, top to bottom. */
async function stageNames(designer) {
  return designer.getByTestId('stage-editor').locator('input[name^=stage]').evaluateAll((els) => els.map((e) => e.value));
}

test('an admin designs a process: stages reordered, actions in words, a move from the grid', async ({ page, errors, request }, info) => {
  const name = `Заказ под заказ ${info.project.name} ${Date.now() % 1000000}`;
  await signIn(page, 'admin');
  await page.goto('/settings/processes');
  // The three every chain starts with (other tests may have added more).
  await expect(page.getByTestId('process').filter({ hasText: 'Розничный заказ' })).toHaveCount(1);
  expect(await page.getByTestId('process').count()).toBeGreaterThanOrEqual(3);
  await page.getByTestId('new-process').click();
  await expect(page.getByTestId('new-process')).toHaveAttribute('aria-current', 'true');
  const designer = page.getByTestId('designer');
  await designer.getByLabel('Название процесса').fill(name);
  await expect(designer.getByLabel('Что проходит через процесс')).toHaveValue('order');
  const stages = designer.getByTestId('stage-editor');
  await stages.nth(0).getByLabel('Название этапа').fill('Новый');
  await stages.nth(0).getByLabel('Новое действие').selectOption({ label: 'Зарезервировать все строки' });
  await stages.nth(0).getByTestId('add-action').click();
  await expect(stages.nth(0).getByTestId('action-text')).toHaveText(['Зарезервировать все строки']);

  await designer.getByTestId('add-stage').click();
  await expect(stages.nth(1).getByLabel('Название этапа')).toBeFocused();
  await stages.nth(1).getByLabel('Название этапа').fill('Выдан');
  await stages.nth(1).getByLabel('Тип этапа').selectOption('done');
  await stages.nth(1).getByLabel('Новое действие').selectOption('fulfil');
  await stages.nth(1).getByTestId('add-action').click();
  await stages.nth(1).getByLabel('Новое действие').selectOption({ label: 'Уведомить…' });
  await stages.nth(1).getByLabel('Кого уведомить').selectOption({ label: 'Роль: Бухгалтер' });
  await stages.nth(1).getByTestId('add-action').click();
  await expect(stages.nth(1).getByTestId('action-text')).toHaveText([
    'Отгрузить заказ: резервы становятся продажами', 'Уведомить роль: Бухгалтер',
  ]);
  await designer.getByTestId('add-stage').click();
  await stages.nth(2).getByLabel('Название этапа').fill('Отменён');
  await stages.nth(2).getByLabel('Тип этапа').selectOption('cancelled');

  // A move through the grid: the cell opens its editor, in view, on its first field.
  const grid = designer.getByTestId('move-grid');
  await expect(grid.getByTestId('move-cell')).toHaveCount(6);
  const cell = grid.getByRole('button', { name: /^Новый → Выдан: не разрешён/ });
  await cell.click();
  const editor = designer.getByTestId('move-editor');
  await expect(editor).toContainText('Переход «Новый» → «Выдан»');
  await expect(editor.getByTestId('move-role-admin')).toBeFocused();
  await expect(editor.getByTestId('move-role-admin')).toBeInViewport();
  await editor.getByLabel('Менеджер (продавец)').check();
  await editor.getByTestId('guard-paid').check();
  await editor.getByTestId('guard-comment').check();
  await editor.getByTestId('fulfilment-delivery').uncheck();
  await expect(grid.getByRole('button', { name: 'Новый → Выдан: разрешён; Менеджер (продавец); с условиями' })).toHaveCount(1);
  await editor.getByTestId('close-move').click();
  await expect(editor).toHaveCount(0);

  // Reordering keeps the move between the same stages.
  await designer.getByRole('button', { name: 'Опустить этап «Выдан»' }).click();
  expect(await stageNames(designer)).toEqual(['Новый', 'Отменён', 'Выдан']);
  await expect(designer.getByRole('button', { name: 'Опустить этап «Новый»' })).toBeVisible();
  await expect(grid.getByRole('button', { name: /^Новый → Выдан: разрешён; Менеджер \(продавец\)/ })).toHaveCount(1);
  await expect(grid.getByRole('button', { name: /^Новый → Отменён: не разрешён/ })).toHaveCount(1);

  await designer.getByTestId('save-process').click();
  await expect(designer.getByTestId('process-saved')).toBeVisible();
  const tab = page.getByTestId('process').filter({ hasText: name });
  await expect(tab).toHaveAttribute('aria-current', 'true');
  await expect(page.getByTestId('new-process')).not.toHaveAttribute('aria-current', /.*/);

  // After a reload the saved definition comes back; reorder the saved stages and save again.
  await page.reload();
  await page.waitForSelector('body[data-ready]');
  await page.waitForSelector('body[data-ready]');
  await tab.click();
  expect(await stageNames(designer)).toEqual(['Новый', 'Отменён', 'Выдан']);
  await expect(grid.getByRole('button', { name: /^Новый → Выдан: разрешён; Менеджер \(продавец\); с условиями/ })).toHaveCount(1);
  await designer.getByRole('button', { name: 'Поднять этап «Выдан»' }).click();
  await expect(designer.getByRole('button', { name: 'Поднять этап «Выдан»' })).toBeFocused();
  await designer.getByTestId('save-process').click();
  await expect(designer.getByTestId('process-saved')).toBeVisible();
  await page.reload();
  await page.waitForSelector('body[data-ready]');
  await page.waitForSelector('body[data-ready]');
  await tab.click();
  expect(await stageNames(designer)).toEqual(['Новый', 'Выдан', 'Отменён']);
  await expect(grid.getByRole('button', { name: /^Новый → Выдан: разрешён/ })).toHaveCount(1);
  const actions = await designer.getByTestId('stage-actions').allInnerTexts();
  expect(actions.join('\n')).toContain('Уведомить роль: Бухгалтер');
  expect(actions.join('\n')).not.toMatch(/role:|accountant|\border\b|notify|reserve_all/);

  const login = await request.post('/api/v1/auth/login', { data: { login: 'admin', password: 'demo' } });
  const { token } = await login.json();
  const processes = await (await request.get('/api/v1/processes', { headers: { authorization: `Bearer ${token}` } })).json();
  const saved = processes.find((p) => p.name === name);
  expect(saved.stages.map((s) => [s.name, s.kind])).toEqual([['Новый', 'open'], ['Выдан', 'done'], ['Отменён', 'cancelled']]);
  expect(saved.stages[1].actions).toEqual([{ action: 'fulfil', param: '' }, { action: 'notify', param: 'role:accountant' }]);
  expect(saved.transitions).toHaveLength(1);
  const [move] = saved.transitions;
  expect([move.from_stage_id, move.to_stage_id]).toEqual([saved.stages[0].id, saved.stages[1].id]);
  expect(move.roles).toEqual(['manager']);
  expect(move.guards).toMatchObject({ paid: true, comment: true, no_transit: false });
  expect(move.fulfilments.sort()).toEqual(['pickup', 'pickup_other']);
});

test('the retail order in the designer: its tab is the current one, actions in words, nothing scrolls sideways', async ({ page, errors }, info) => {
  await signIn(page, 'admin');
  await page.goto('/settings/processes');
  const tab = page.getByTestId('process').filter({ hasText: 'Розничный заказ' });
  await tab.click();
  await expect(tab).toHaveAttribute('aria-current', 'true');
  await expect(tab).toHaveClass(/active/);
  await expect(page.getByTestId('new-process')).not.toHaveClass(/active/);
  await expect(page.getByTestId('new-process')).not.toHaveAttribute('aria-current', /.*/);
  const designer = page.getByTestId('designer');
  await expect(designer.getByLabel('Что проходит через процесс').locator('option:checked')).toHaveText('Заказы');
  const actions = (await designer.getByTestId('stage-actions').allInnerTexts()).join('\n');
  expect(actions).toContain('Уведомить роль: Кладовщик');
  expect(actions).toContain('Уведомить менеджера заказа');
  expect(actions).toContain('Зарезервировать все строки');
  expect(actions).not.toMatch(/role:|storekeeper|manager|\border\b|_/);

  const grid = designer.getByTestId('move-grid');
  const n = await designer.getByTestId('stage-editor').count();
  await expect(grid.getByTestId('move-cell')).toHaveCount(n * (n - 1));
  await expect(grid.getByRole('button', { name: /^Подтверждён → Собран: разрешён; .*Кладовщик/ })).toHaveCount(1);
  // The column headers are short; their names are whole.
  await expect(grid.getByRole('columnheader', { name: 'Подтверждён' })).toHaveCount(1);

  await grid.getByRole('button', { name: /^Собран → Выдан/ }).click();
  const editor = designer.getByTestId('move-editor');
  await expect(editor.getByTestId('guard-paid')).toBeChecked();
  await expect(editor.getByTestId('fulfilment-delivery')).not.toBeChecked();
  await expect(editor.getByTestId('move-role-admin')).toBeFocused();

  // Nothing overlaps: the grid, the move editor and the save row follow one another.
  const boxes = await Promise.all([grid, editor, designer.getByTestId('save-process')].map((l) => l.boundingBox()));
  expect(boxes[0].y + boxes[0].height).toBeLessThanOrEqual(boxes[1].y);
  expect(boxes[1].y + boxes[1].height).toBeLessThanOrEqual(boxes[2].y);
  const wide = await sideways(page, '[data-testid=designer]');
  expect(wide).toEqual({ page: true, inside: [] });
  if (info.project.name === 'tablet') {
    // Every control of the designer is a finger wide at 768px.
    const small = await designer.locator('button, select, input:not([type=checkbox])').evaluateAll((els) => els
      .filter((e) => e.offsetParent !== null)
      .map((e) => [e.getBoundingClientRect(), e])
      .filter(([r]) => r.width < 44 || r.height < 44)
      .map(([r, e]) => `${e.tagName} ${e.getAttribute('aria-label') || e.textContent} ${r.width}x${r.height}`));
    expect(small).toEqual([]);
  }
});
