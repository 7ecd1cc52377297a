/**
 * One HTTPS GET for the smoke-test check: the certificate chain is verified against the system trust
 * store; a host-name mismatch is recorded, not fatal (the load balancer's generated DNS name is not on
 * the certificate), and reported in the evidence.
 */
import { request } from "node:https";
import { checkServerIdentity, type PeerCertificate, type TLSSocket } from "node:tls";
import type { HttpsResult } from "../checks/smoke";

/** GETs `url`; resolves with what happened (never rejects). */
export function httpsGet(url: string, timeoutMs = 10_000): Promise<HttpsResult> {
  return new Promise((resolve) => {
    let nameMatches = false;
    let subject: string | undefined;
    const host = new URL(url).hostname;
    const req = request(url, {
      method: "GET",
      rejectUnauthorized: true,
      checkServerIdentity: (hostname: string, cert: PeerCertificate) => {
        subject = String(cert.subject?.CN ?? JSON.stringify(cert.subject));
        nameMatches = checkServerIdentity(hostname, cert) === undefined;
        return undefined;
      },
      headers: { "User-Agent": "cdn-verify" },
    }, (res) => {
      const socket = res.socket as TLSSocket;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        if (size < 65536) chunks.push(c);
        size += c.length;
      });
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString("utf8"), chainVerified: socket.authorized === true, nameMatches, subject }));
      res.on("error", (e) => resolve({ error: e.message }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from ${host} within ${Math.round(timeoutMs / 1000)}s`)));
    req.on("error", (e) => resolve({ error: e.message }));
    req.end();
  });
}
