/**
 * AWS SDK v3 clients answered from recorded responses in the services' real wire shapes (RDS: the
 * Query protocol's XML; S3: REST-XML with headers), through the clients' `requestHandler`, so the SDK's
 * own serializers, deserializers, error parsing and retries run exactly as against AWS. A response can
 * also be an Error (a network timeout). Every request is recorded for assertions.
 */
import { Readable } from "node:stream";
import { RDSClient } from "@aws-sdk/client-rds";
import { S3Client } from "@aws-sdk/client-s3";
import { ConfiguredRetryStrategy } from "@smithy/core/retry";
import "../../tools/aws/node-notice";
import { MACHINE_INDEPENDENT_SETTINGS } from "./aws-settings";

/** One recorded HTTP response. */
export interface Recorded {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

/** A request as the fake saw it. */
export interface SeenRequest {
  /** `rds:<Action>` or `s3:<Operation>`. */
  readonly call: string;
  readonly host: string;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** RDS: the form parameters; S3: empty. */
  readonly params: Readonly<Record<string, string>>;
}

/** Scripted answers per call: a list (consumed in order, the last one repeats) or a function. */
export type Script = Readonly<Record<string, readonly (Recorded | Error)[] | ((request: SeenRequest, n: number) => Recorded | Error)>>;

const RDS_NS = "http://rds.amazonaws.com/doc/2014-10-31/";

/** An RDS Query-protocol success document. */
export function rdsOk(action: string, result: string): Recorded {
  return {
    status: 200,
    headers: { "content-type": "text/xml" },
    body: `<${action}Response xmlns="${RDS_NS}">\n  <${action}Result>\n${result}\n  </${action}Result>\n  <ResponseMetadata>\n    <RequestId>7e1f0c2a-5b1d-4c8e-9f4a-0d6b8e3c2a11</RequestId>\n  </ResponseMetadata>\n</${action}Response>\n`,
  };
}

/** An RDS Query-protocol error document. */
export function rdsError(status: number, code: string, message: string, type: "Sender" | "Receiver" = "Sender"): Recorded {
  return {
    status,
    headers: { "content-type": "text/xml" },
    body: `<ErrorResponse xmlns="${RDS_NS}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${code}</Code>\n    <Message>${message}</Message>\n  </Error>\n  <RequestId>3c9b5a7e-1f2d-4e6a-8b0c-9d7e6f5a4b32</RequestId>\n</ErrorResponse>\n`,
  };
}

/** An S3 REST-XML error document. */
export function s3Error(status: number, code: string, message: string): Recorded {
  return {
    status,
    headers: { "content-type": "application/xml", "x-amz-request-id": "4B3F9E2C1A0D8E7F", "x-amz-id-2": "cmVjb3JkZWQ=" },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>4B3F9E2C1A0D8E7F</RequestId><HostId>cmVjb3JkZWQ=</HostId></Error>`,
  };
}

/** A network timeout as the Node HTTP handler raises it. */
export function timeout(): Error {
  const error = new Error("Connection timed out after 10000 ms");
  error.name = "TimeoutError";
  return error;
}

/** The fake AWS endpoint. */
export class RecordedAws {
  /** Every request, in order. */
  readonly requests: SeenRequest[] = [];
  private readonly counts = new Map<string, number>();

  constructor(private readonly script: Script) {}

  /** Requests of one call. */
  calls(call: string): SeenRequest[] {
    return this.requests.filter((r) => r.call === call);
  }

  /**
   * An RDS client for `region` answered by this fake (static test credentials; `maxAttempts` attempts).
   * The SDK's standard retry strategy decides what to retry, with no wait between attempts: the tests
   * are about which errors are retried, not how long the back-off is.
   */
  rds(region: string, maxAttempts = 3): RDSClient {
    return new RDSClient({ region, ...this.common(maxAttempts), requestHandler: this.handler("rds") });
  }

  /** An S3 client for `region` answered by this fake (as {@link rds}). */
  s3(region: string, maxAttempts = 3): S3Client {
    return new S3Client({ region, ...this.common(maxAttempts), requestHandler: this.handler("s3") });
  }

  private common(maxAttempts: number) {
    return { ...MACHINE_INDEPENDENT_SETTINGS, retryStrategy: new ConfiguredRetryStrategy(maxAttempts, 0), credentials: { accessKeyId: "AKIDRECORDEDTEST", secretAccessKey: "recorded" } };
  }

  private handler(service: "rds" | "s3") {
    return {
      metadata: { handlerProtocol: "http/1.1" },
      handle: async (request: { method: string; hostname: string; path: string; query?: Record<string, string | string[] | null>; body?: unknown }) => {
        const query = Object.fromEntries(Object.entries(request.query ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : (v ?? "")]));
        const params = service === "rds" ? Object.fromEntries(new URLSearchParams(typeof request.body === "string" ? request.body : "")) : {};
        const call = service === "rds" ? `rds:${params.Action}` : `s3:${s3Operation(request.method, query)}`;
        const seen: SeenRequest = { call, host: request.hostname, method: request.method, path: request.path, query, params };
        this.requests.push(seen);
        const n = this.counts.get(call) ?? 0;
        this.counts.set(call, n + 1);
        const entry = this.script[call];
        if (!entry) throw new Error(`recorded-aws: no recorded response for ${call} (${request.method} ${request.hostname}${request.path})`);
        const answer = typeof entry === "function" ? entry(seen, n) : entry[Math.min(n, entry.length - 1)];
        if (answer instanceof Error) throw answer;
        const body = answer.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(answer.body);
        return {
          response: {
            statusCode: answer.status,
            reason: undefined,
            // No Date header: a recorded date would look like clock skew to the SDK, which then retries.
            headers: { "content-length": String(body.length), ...answer.headers },
            body: Readable.from([body]),
          },
        };
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
      destroy: () => undefined,
    };
  }
}

function s3Operation(method: string, query: Record<string, string>): string {
  if (method === "GET" && query["list-type"] === "2") return "ListObjectsV2";
  if (method === "GET") return "GetObject";
  if (method === "HEAD") return "HeadObject";
  return `${method}`;
}
