import { generateKeyPairSync } from 'node:crypto';

/** An App's RSA key pair, PEM encoded as GitHub hands them out (PKCS#1 private key). */
export interface AppKeyPair {
  readonly appId: number;
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
}

/**
 * A fresh 2048-bit RSA key pair for `appId`. The one non-deterministic part of a dataset
 * (tens of milliseconds each): pass pairs back in through `DatasetOptions.keyPairs` to reuse them.
 */
export function generateAppKeyPair(appId: number): AppKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { appId, privateKeyPem: privateKey, publicKeyPem: publicKey };
}
