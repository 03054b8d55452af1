import { describe, expect, it } from 'vitest';
import { tasksOverBudget, type MainThreadTask } from './e2e/helpers';

const task = (own: number): MainThreadTask => ({ start: 0, wall: own, cpu: own, gc: 0, own, scripts: ['app.js'] });
const tasks = (count: number, own: number) => Array.from({ length: count }, () => task(own));

describe('the main-thread budget of the browser tests', () => {
  it('lets a few tasks within one host preemption of the budget pass, and nothing further over it', () => {
    const quick = tasks(1000, 15);
    expect(tasksOverBudget(quick, 50)).toEqual([]);
    // A few preempted tasks (~100 ms charged to the thread), alone or together, pass.
    expect(tasksOverBudget([...quick, task(103)], 50)).toEqual([]);
    expect(tasksOverBudget([...quick, ...tasks(5, 113)], 50)).toEqual([]);
    expect(tasksOverBudget([...quick, ...tasks(10, 106)], 50)).toEqual([]);
    expect(tasksOverBudget([...quick, task(99), task(60)], 50)).toEqual([]);
    // More than a preemption plus the budget fails.
    expect(tasksOverBudget([...quick, task(151)], 50)).toHaveLength(1);
    expect(tasksOverBudget([...quick, task(151), task(103)], 50)).toHaveLength(1);
    // Many such tasks are the app's own work on every update, not the host: every one fails.
    expect(tasksOverBudget([...quick, ...tasks(11, 120)], 50)).toHaveLength(11);
    expect(tasksOverBudget([...tasks(100, 15), ...tasks(6, 105)], 50)).toHaveLength(6);
    // After the summary the budget is 150 ms: a preempted 150 ms task passes, 251 ms does not.
    expect(tasksOverBudget([...quick, task(250)], 150)).toEqual([]);
    expect(tasksOverBudget([...quick, task(251)], 150)).toHaveLength(1);
  });
});
