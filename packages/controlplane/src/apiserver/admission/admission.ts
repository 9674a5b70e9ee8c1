import type { KubeObject } from '../../api/object.js';
import type { ResourceInfo } from '../../api/resources.js';
import type { UserInfo } from '../auth-gate.js';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE';

/** One write as admission sees it, after defaulting and before validation. */
export interface AdmissionRequest {
  readonly operation: Operation;
  readonly resource: ResourceInfo;
  readonly subresource: string;
  readonly namespace: string;
  readonly name: string;
  /** The object to be stored (absent for DELETE); plugins may change it. */
  readonly object?: KubeObject;
  readonly oldObject?: KubeObject;
  readonly user: UserInfo;
}

/** An admission plugin: may change the object (mutating) and may refuse it by throwing a StatusError. */
export interface AdmissionPlugin {
  readonly name: string;
  admit(request: AdmissionRequest): Promise<void>;
}

/** The plugins in order; each sees the object as the previous ones left it. */
export class AdmissionChain {
  constructor(private readonly plugins: readonly AdmissionPlugin[]) {}

  async admit(request: AdmissionRequest): Promise<void> {
    for (const plugin of this.plugins) await plugin.admit(request);
  }
}
