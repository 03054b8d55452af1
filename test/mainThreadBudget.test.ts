import { describe, expect, it } from 'vitest';
import { tasksOverBudget, type MainThreadTask } from './e2e/helpers';

const task = (own: number): MainThreadTask => ({ start: 0, wall: own, cpu: own, gc: 0, own, scripts: ['app.js'] });

describe('the main-thread budget of the browser tests', () => {
  it('lets one lone task up to 3× the budget pass, and no more', () => {
    const quick = Array.from({ length: 1000 }, () => task(15));
    expect(tasksOverBudget(quick, 50)).toEqual([]);
    expect(tasksOverBudget([...quick, task(103)], 50)).toEqual([]);
    expect(tasksOverBudget([...quick, task(151)], 50)).toHaveLength(1);
    expect(tasksOverBudget([...quick, task(60), task(103)], 50)).toHaveLength(2);
  });
});
