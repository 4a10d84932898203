// profile(namespace, id): which records make the profile an identity finds, by the merge policy and
// the identity strategy, then assembled (./assemble.ts) with its audience memberships.
import type { Database } from '../db/sqlite';
import { resolveAnonymous, resolveComp, resolveFragment } from '../identity/resolve';
import { readIdentitySettings } from '../identity/settings';
import { audiencesOf } from '../segment/audiences';
import type { Namespace, Profile } from '../types';
import { assembleProfile, type ProfileTarget } from './assemble';
import { listCalculated } from './calculated';
import { findMergePolicy } from './mergePolicies';

export function lookUpProfile(
  db: Database,
  namespaces: Map<string, Namespace>,
  namespace: string,
  id: string,
  mergePolicy?: string
): Profile | null {
  // 'default' names whichever policy is the sandbox's default
  const policy = findMergePolicy(db, mergePolicy === 'default' ? undefined : mergePolicy);
  const assemble = (target: ProfileTarget, anonymous?: 'exclude' | 'only') => ({
    ...assembleProfile(db, target, namespaces, { policy, calculated: listCalculated(db), anonymous }),
    audiences: anonymous === 'only' ? [] : audiencesOf(db, target)
  });
  if (policy.stitching === 'none') {
    const fragment = resolveFragment(db, namespaces, namespace, id);
    return fragment === null ? null : assemble({ fragment });
  }
  if (readIdentitySettings(db).strategy === 'isolate') {
    // a cookie's or device's anonymous history is a profile of its own; a known id finds the rest
    const anonymous = resolveAnonymous(db, namespaces, namespace, id);
    if (anonymous !== null) return assemble({ fragment: anonymous }, 'only');
    const comp = resolveComp(db, namespaces, namespace, id);
    return comp === null ? null : assemble({ comp }, 'exclude');
  }
  const comp = resolveComp(db, namespaces, namespace, id);
  return comp === null ? null : assemble({ comp });
}
