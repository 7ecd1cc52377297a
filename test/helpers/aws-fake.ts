/**
 * Offline AWS for tests: the real SDK v3 clients (so request serialization, response parsing, error
 * mapping and retries are the SDK's own) with an HTTP handler that answers from recorded responses.
 *
 * A fixture is one HTTP response in a file under test/fixtures/aws/<service>/, written the way it comes
 * over the wire: a status line, headers, a blank line, the body (XML for the query protocols and S3,
 * JSON for EKS, ACM and Service Quotas). A route picks the fixture for each request by its operation
 * (read from the request the SDK built: `Action=` for query protocols, `X-Amz-Target` for JSON 1.1,
 * method and path for REST) and may look at its parameters.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { awsClients, type AwsClients } from "../../tools/aws/clients";
import { MACHINE_INDEPENDENT_SETTINGS } from "./aws-settings";

const FIXTURES = join(__dirname, "..", "fixtures", "aws");


/** A recorded HTTP response. */
export interface RecordedResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * Reads `test/fixtures/aws/<path>` (status line, headers, blank line, body); `{{name}}` placeholders
 * take the values of `vars` (the request's region and parameters, so one recording serves every region).
 */
export function fixture(path: string, vars: Readonly<Record<string, string>> = {}): RecordedResponse {
  const text = readFileSync(join(FIXTURES, path), "utf8").replace(/\{\{([\w.-]+)\}\}/g, (whole, name: string) => vars[name] ?? whole);
  const split = text.indexOf("\n\n");
  const head = (split < 0 ? text : text.slice(0, split)).split("\n");
  const body = split < 0 ? "" : text.slice(split + 2);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head[0])?.[1]);
  if (!status) throw new Error(`${path}: the first line must be "HTTP/1.1 <status> <reason>"`);
  const headers = Object.fromEntries(
    head.slice(1).map((line) => {
      const at = line.indexOf(":");
      return [line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim()];
    }),
  );
  return { status, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) }, body };
}

/** One request as a route sees it. */
export interface FakeRequest {
  /** Service signing name (sts, iam, rds, ec2, eks, acm, servicequotas, s3). */
  readonly service: string;
  /** Region the request was signed for. */
  readonly region: string;
  /** Operation name, e.g. `DescribeAddonVersions`. */
  readonly operation: string;
  /** Parameters: form fields (query protocols), JSON body fields, or query string and path (REST). */
  readonly params: Record<string, unknown>;
  /** Host the request went to. */
  readonly host: string;
  /** Request headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * What a route answers: a fixture path (placeholders filled from the request), a fixture with extra
 * placeholder values, a response, or an error the HTTP layer throws (timeouts).
 */
export type RouteAnswer = string | { readonly fixture: string; readonly vars: Readonly<Record<string, string>> } | RecordedResponse | Error;

/** Picks the answer for a request; `undefined` fails the test with the request in the message. */
export type Route = (req: FakeRequest) => RouteAnswer | undefined;

function operationOf(service: string, method: string, path: string, headers: Record<string, string>, body: string, query: Record<string, unknown>): { operation: string; params: Record<string, unknown> } {
  const target = headers["x-amz-target"];
  if (target) return { operation: target.split(".").pop()!, params: body ? JSON.parse(body) : {} };
  if (body.startsWith("Action=") || body.includes("&Action=")) {
    const form = Object.fromEntries(new URLSearchParams(body));
    return { operation: String(form.Action), params: form };
  }
  if (service === "eks") {
    const routes: [RegExp, string][] = [
      [/^\/addons\/supported-versions$/, "DescribeAddonVersions"],
      [/^\/cluster-versions$/, "DescribeClusterVersions"],
      [/^\/clusters$/, "ListClusters"],
      [/^\/clusters\/([^/]+)$/, "DescribeCluster"],
    ];
    const hit = routes.find(([re]) => re.test(path));
    if (hit) return { operation: hit[1], params: { ...query, path: decodeURIComponent(path) } };
  }
  if (service === "s3" && method === "HEAD") return { operation: "HeadBucket", params: { ...query, path } };
  return { operation: `${method} ${path}`, params: query };
}

/** An SDK request handler that answers from `route`; every request is appended to `log`. */
export function fakeHandler(route: Route, log: FakeRequest[] = []) {
  return {
    metadata: { handlerProtocol: "http/1.1" },
    async handle(request: { method: string; hostname: string; path: string; headers: Record<string, string>; body?: unknown; query?: Record<string, unknown> }) {
      const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
      const credential = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\//.exec(headers.authorization ?? "");
      const region = credential?.[1] ?? "unknown";
      const service = credential?.[2] ?? "unknown";
      const body = typeof request.body === "string" ? request.body : request.body instanceof Uint8Array ? new TextDecoder().decode(request.body) : "";
      const { operation, params } = operationOf(service, request.method, request.path, headers, body, request.query ?? {});
      const req: FakeRequest = { service, region, operation, params, host: request.hostname, headers };
      log.push(req);
      const answer = route(req);
      if (answer === undefined) throw new Error(`no recorded response for ${service}:${operation} in ${region} ${JSON.stringify(params)}`);
      if (answer instanceof Error) throw answer;
      const vars: Record<string, string> = { region, ...Object.fromEntries(Object.entries(params).filter(([, v]) => typeof v === "string")) } as Record<string, string>;
      const response = typeof answer === "string" ? fixture(answer, vars) : "fixture" in answer ? fixture(answer.fixture, { ...vars, ...answer.vars }) : answer;
      return { response: { statusCode: response.status, reason: "", headers: response.headers, body: Readable.from([Buffer.from(response.body)]) } };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
  };
}

/** Real clients over the fake handler, with static credentials, no retries (throttling answers once) and no setting read from the machine. */
export function fakeClients(route: Route, log: FakeRequest[] = []): AwsClients {
  return awsClients({
    requestHandler: fakeHandler(route, log),
    credentials: { accessKeyId: "AKIAFAKEFORTESTS0000", secretAccessKey: "fake-secret-for-tests" },
    maxAttempts: 1,
    settings: MACHINE_INDEPENDENT_SETTINGS,
  });
}

/** A timeout as the SDK's Node HTTP handler raises it. */
export function timeoutError(): Error {
  return Object.assign(new Error("Connection timed out after 5000 ms"), { name: "TimeoutError" });
}
