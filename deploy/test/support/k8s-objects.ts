/** The parts of Kubernetes objects the deploy checks read; the rest is left untyped. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
  };
  readonly spec?: unknown;
  readonly data?: Readonly<Record<string, string>>;
}

export interface HttpProbe {
  readonly httpGet?: { readonly path: string; readonly port: string | number };
}

export interface Container {
  readonly name: string;
  readonly image?: string;
  readonly env?: readonly {
    readonly name: string;
    readonly value?: string;
    readonly valueFrom?: unknown;
  }[];
  readonly ports?: readonly { readonly name?: string; readonly containerPort: number }[];
  readonly startupProbe?: HttpProbe;
  readonly livenessProbe?: HttpProbe;
  readonly readinessProbe?: HttpProbe;
  readonly resources?: {
    readonly requests?: Readonly<Record<string, string>>;
    readonly limits?: Readonly<Record<string, string>>;
  };
  readonly securityContext?: {
    readonly allowPrivilegeEscalation?: boolean;
    readonly readOnlyRootFilesystem?: boolean;
    readonly privileged?: boolean;
    readonly runAsNonRoot?: boolean;
    readonly capabilities?: { readonly drop?: readonly string[] };
  };
  readonly volumeMounts?: readonly {
    readonly name: string;
    readonly mountPath: string;
    readonly readOnly?: boolean;
  }[];
}

export interface Volume {
  readonly name: string;
  readonly configMap?: { readonly name: string };
  readonly secret?: { readonly secretName: string };
  readonly emptyDir?: unknown;
}

export interface PodSpec {
  readonly containers: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly serviceAccountName?: string;
  readonly automountServiceAccountToken?: boolean;
  readonly terminationGracePeriodSeconds?: number;
  readonly securityContext?: {
    readonly runAsNonRoot?: boolean;
    readonly runAsUser?: number;
    readonly runAsGroup?: number;
    readonly seccompProfile?: { readonly type: string };
  };
  readonly volumes?: readonly Volume[];
}

export interface Workload extends K8sObject {
  readonly spec: {
    readonly replicas?: number;
    readonly selector: { readonly matchLabels: Readonly<Record<string, string>> };
    readonly template: {
      readonly metadata: { readonly labels: Readonly<Record<string, string>> };
      readonly spec: PodSpec;
    };
  };
}

export interface Service extends K8sObject {
  readonly spec: {
    readonly selector?: Readonly<Record<string, string>>;
    readonly ports: readonly {
      readonly name?: string;
      readonly port: number;
      readonly targetPort?: string | number;
    }[];
  };
}

export interface ScaleTargetRef {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly name: string;
}

export interface ScaledObject extends K8sObject {
  readonly spec: {
    readonly scaleTargetRef: ScaleTargetRef;
    readonly minReplicaCount?: number;
    readonly maxReplicaCount?: number;
    readonly fallback?: { readonly replicas: number };
    readonly triggers: readonly {
      readonly type: string;
      readonly metadata: Readonly<Record<string, string>>;
      readonly authenticationRef?: { readonly name: string };
    }[];
  };
}

export interface TriggerAuthentication extends K8sObject {
  readonly spec: {
    readonly secretTargetRef: readonly {
      readonly parameter: string;
      readonly name: string;
      readonly key: string;
    }[];
  };
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
}

/** A `from`/`to` entry of a NetworkPolicy rule. */
export interface NetworkPolicyPeer {
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
  readonly namespaceSelector?: LabelSelector;
  readonly podSelector?: LabelSelector;
}

export interface NetworkPolicyRule {
  readonly ports?: readonly { readonly port: number; readonly protocol?: string }[];
  readonly to?: readonly NetworkPolicyPeer[];
  readonly from?: readonly NetworkPolicyPeer[];
}

export interface NetworkPolicy extends K8sObject {
  readonly spec: {
    readonly podSelector: LabelSelector;
    readonly policyTypes: readonly string[];
    readonly ingress?: readonly NetworkPolicyRule[];
    readonly egress?: readonly NetworkPolicyRule[];
  };
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

export function isK8sObject(value: unknown): value is K8sObject {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<K8sObject>;
  return (
    typeof candidate.apiVersion === 'string' &&
    typeof candidate.kind === 'string' &&
    typeof candidate.metadata?.name === 'string'
  );
}

export function isWorkload(object: K8sObject): object is Workload {
  return WORKLOAD_KINDS.has(object.kind);
}

/** The objects of one kind, typed by the caller (the kind decides the shape). */
export function objectsOfKind<T extends K8sObject>(
  objects: readonly K8sObject[],
  kind: string,
): T[] {
  return objects.filter((object) => object.kind === kind) as T[];
}

/** True when every selector label is on the pod template. */
export function selects(
  selector: Readonly<Record<string, string>> | undefined,
  labels: Readonly<Record<string, string>>,
): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}

export interface HorizontalPodAutoscaler extends K8sObject {
  readonly spec: { readonly scaleTargetRef: ScaleTargetRef };
}

export interface PodDisruptionBudget extends K8sObject {
  readonly spec: {
    readonly maxUnavailable?: number | string;
    readonly unhealthyPodEvictionPolicy?: string;
    readonly selector: { readonly matchLabels: Readonly<Record<string, string>> };
  };
}
