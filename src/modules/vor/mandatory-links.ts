// Which catalogue entry a process or working method is linked to, from its name (issue 14.4): a name matching a
// mandatory entry links to it, unless the plan already holds that entry elsewhere (refused, never a second one).
import type { DbOrTx } from '../../db/client.js';
import { ValidationError } from '../../errors.js';
import { goalRepository } from '../goals/index.js';
import { holderOf, MandatoryAlreadyPresentError, mandatoryProcessNamed, mandatoryWorkingMethodNamed } from '../plans/index.js';
import { vorRepository } from './vor.repository.js';

type Linked<K extends string> = { id: string } & Record<K, string | null>;

/**
 * The link to `entry` (the catalogue entry the name matches): refused when the row is linked to another entry, or
 * another row of the plan (`others`) already holds this one.
 */
function linkTo<T extends { id: string; name: string }>(entityType: 'Process' | 'WorkingMethod', entry: { id: string; name: string; aliases: string[] }, keep: string | null, others: T[], linkOf: (r: T) => string | null): string {
  if (keep && keep !== entry.id) {
    throw new ValidationError(`The name names the mandatory ${entityType} "${entry.name}", but this one is linked to another catalogue entry`, [
      { path: 'input.name', message: 'names another mandatory catalogue entry' },
    ]);
  }
  const holder = holderOf(others, entry, linkOf);
  if (holder) throw new MandatoryAlreadyPresentError(entityType, entry.name, holder.id);
  return entry.id;
}

/** The mandatoryProcessId a process of `plan` named `name` gets; `self` is the process being renamed, if any. */
export async function processLink(tx: DbOrTx, plan: { id: string; year: number }, name: string, self: Linked<'mandatoryProcessId'> | null): Promise<string | null> {
  const mp = mandatoryProcessNamed(name, await goalRepository.mandatoryFor(tx, plan.year));
  const keep = self?.mandatoryProcessId ?? null;
  if (!mp) return keep;
  const others = (await vorRepository.processesOf(tx, plan.id)).filter((p) => p.id !== self?.id);
  return linkTo('Process', mp, keep, others, (p) => p.mandatoryProcessId);
}

/**
 * The mandatoryWorkingMethodId a working method named `name` under `process` gets: only under the mandatory process
 * is a mandatory name mandatory. `self` is the working method being renamed or moved, if any.
 */
export async function workingMethodLink(
  tx: DbOrTx,
  plan: { year: number },
  process: Linked<'mandatoryProcessId'>,
  name: string,
  self: (Linked<'mandatoryWorkingMethodId'> & { processId: string }) | null,
): Promise<string | null> {
  const keep = self && self.processId === process.id ? self.mandatoryWorkingMethodId : null;
  const mp = process.mandatoryProcessId ? (await goalRepository.mandatoryFor(tx, plan.year)).find((m) => m.id === process.mandatoryProcessId) : undefined;
  const mwm = mandatoryWorkingMethodNamed(name, mp);
  if (!mwm) return keep;
  const others = (await vorRepository.workingMethodsOf(tx, process.id)).filter((w) => w.id !== self?.id);
  return linkTo('WorkingMethod', mwm, keep, others, (w) => w.mandatoryWorkingMethodId);
}
