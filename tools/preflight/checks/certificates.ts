/**
 * Each plane's ACM certificate is ISSUED, lives in the plane's region (a load balancer can only use
 * certificates of its own region), covers the plane's ingress hostname, and is not about to expire.
 */
import { DescribeCertificateCommand } from "@aws-sdk/client-acm";
import { planesOf } from "../../../src/config/naming";
import { attempt, row, type Check, type CheckResult } from "../types";

/** True when `name` (a certificate DNS name, possibly `*.` wildcard) covers `hostname`. */
export function coversHostname(name: string, hostname: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, "");
  const h = hostname.toLowerCase().replace(/\.$/, "");
  if (!n.startsWith("*.")) return n === h;
  const suffix = n.slice(1); // ".example.com"
  // A wildcard stands for exactly one label.
  return h.endsWith(suffix) && !h.slice(0, -suffix.length).includes(".") && h.length > suffix.length;
}

const EXPIRY_WARN_DAYS = 30;

export const certificates: Check = async (ctx) => {
  const results: CheckResult[] = [];
  for (const { config } of planesOf(ctx.env)) {
    const { certificateArn, hostname } = config.ingress;
    const certRegion = certificateArn.split(":")[3];
    const check = `ACM certificate for ${hostname}`;
    if (certRegion !== config.region) {
      results.push(row(check, config.region, "FAIL", `the certificate is in ${certRegion}`, `request or import a certificate in ${config.region}`));
      continue;
    }
    const answer = await attempt(check, config.region, "acm:DescribeCertificate", () => ctx.clients.acm(certRegion).send(new DescribeCertificateCommand({ CertificateArn: certificateArn })));
    if (!answer.ok) {
      results.push(answer.row);
      continue;
    }
    const cert = answer.value.Certificate ?? {};
    const names = [cert.DomainName, ...(cert.SubjectAlternativeNames ?? [])].filter((n): n is string => Boolean(n));
    const problems: string[] = [];
    if (cert.Status !== "ISSUED") problems.push(`status ${cert.Status}`);
    if (!names.some((n) => coversHostname(n, hostname))) problems.push(`does not cover ${hostname} (names: ${[...new Set(names)].join(", ")})`);
    if (problems.length > 0) {
      results.push(row(check, config.region, "FAIL", problems.join("; "), cert.Status === "PENDING_VALIDATION" ? "create the DNS validation records (aws acm describe-certificate ... DomainValidationOptions)" : "issue a certificate covering the hostname and set ingress.certificateArn"));
      continue;
    }
    const notAfter = cert.NotAfter ? new Date(cert.NotAfter) : undefined;
    if (notAfter && notAfter.getTime() - ctx.now.getTime() < EXPIRY_WARN_DAYS * 86_400_000) {
      results.push(row(check, config.region, "WARN", `issued, expires ${notAfter.toISOString().slice(0, 10)} (renewal ${cert.RenewalEligibility ?? "unknown"})`, "check why ACM has not renewed it (validation records still in place?)"));
    } else {
      results.push(row(check, config.region, "PASS", `issued, covers ${hostname}${notAfter ? `, valid until ${notAfter.toISOString().slice(0, 10)}` : ""}`));
    }
  }
  return results;
};
