import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer } from './k8s-objects.js';

/** Where a pod opens a connection: an address outside the pod network, or a pod. */
export type EgressTarget = {
  readonly protocol: 'TCP' | 'UDP';
  readonly port: number;
} & (
  | { readonly ip: string }
  | {
      readonly namespaceLabels: Readonly<Record<string, string>>;
      readonly podLabels: Readonly<Record<string, string>>;
    }
);

/** An empty or missing `matchLabels` selects everything, as in Kubernetes. */
function matches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
}

function toInt(ip: string): number {
  return ip.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base = '', bits = '32'] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toInt(ip) / size) === Math.floor(toInt(base) / size);
}

function peerAdmits(peer: NetworkPolicyPeer, target: EgressTarget, ownNamespace: string): boolean {
  if ('ip' in target) {
    const block = peer.ipBlock;
    return (
      block !== undefined &&
      inCidr(target.ip, block.cidr) &&
      !(block.except ?? []).some((except) => inCidr(target.ip, except))
    );
  }
  if (peer.ipBlock !== undefined) return false;
  const namespaceOk =
    peer.namespaceSelector === undefined
      ? target.namespaceLabels['kubernetes.io/metadata.name'] === ownNamespace
      : matches(peer.namespaceSelector, target.namespaceLabels);
  return (
    namespaceOk && (peer.podSelector === undefined || matches(peer.podSelector, target.podLabels))
  );
}

/**
 * Whether the NetworkPolicies let a pod with `podLabels` in `namespace` open a connection to
 * `target`, by the API's rules: the egress rules of every policy that selects the pod add up
 * (a policy with `Egress` and no rules denies); a rule without `ports` admits every port and
 * one without `to` every destination. Enough of the semantics for the policies in
 * deploy/kustomize (no port ranges, named ports or matchExpressions).
 */
export function isEgressAllowed(
  policies: readonly NetworkPolicy[],
  namespace: string,
  podLabels: Readonly<Record<string, string>>,
  target: EgressTarget,
): boolean {
  const own = policies.filter(
    (policy) =>
      policy.spec.policyTypes.includes('Egress') && matches(policy.spec.podSelector, podLabels),
  );
  if (own.length === 0) return true;
  return own.some((policy) =>
    (policy.spec.egress ?? []).some(
      (rule) =>
        (rule.ports === undefined ||
          rule.ports.some(
            (port) => (port.protocol ?? 'TCP') === target.protocol && port.port === target.port,
          )) &&
        (rule.to === undefined || rule.to.some((peer) => peerAdmits(peer, target, namespace))),
    ),
  );
}
