// A throw-away CA and a server certificate for 127.0.0.1, for HTTPS servers on loopback.
import crypto from 'node:crypto'
import { peculiar } from './github-sigstore.js'

export interface TestTls {
  /** The CA's certificate, PEM: what a client must trust. */
  ca: string
  /** The server's certificate (SAN: IP 127.0.0.1 only) and private key, PEM. */
  cert: string
  key: string
}

export async function createTestTls(): Promise<TestTls> {
  const { x509, webcrypto } = peculiar()
  const ecdsa = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }
  const keys = async (): Promise<CryptoKeyPair> =>
    (await webcrypto.subtle.generateKey(ecdsa, true, ['sign', 'verify'])) as CryptoKeyPair
  const notBefore = new Date(Date.now() - 3600_000)
  const notAfter = new Date(Date.now() + 86_400_000)
  const caKeys = await keys()
  const ca = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: '01',
      name: 'CN=Supply Chain Gate test CA',
      notBefore,
      notAfter,
      signingAlgorithm: ecdsa,
      keys: caKeys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
      ],
    },
    webcrypto,
  )
  const serverKeys = await keys()
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: '02',
      subject: 'CN=127.0.0.1',
      issuer: ca.subject,
      notBefore,
      notAfter,
      signingAlgorithm: ecdsa,
      publicKey: serverKeys.publicKey,
      signingKey: caKeys.privateKey,
      extensions: [
        new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }]),
        new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.1']),
      ],
    },
    webcrypto,
  )
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', serverKeys.privateKey))
  const key = crypto.createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })
  return {
    ca: ca.toString('pem'),
    cert: cert.toString('pem'),
    key: key.export({ format: 'pem', type: 'pkcs8' }).toString(),
  }
}
