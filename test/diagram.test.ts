/**
 * The architecture diagram: derived generically from synthesized stacks (a full fixture with EKS, a
 * Multi-AZ DB cluster, a bucket, cross-stack peering and an in-cluster stack), deterministic; the
 * committed docs/architecture.{dot,svg} match the code, render to a PNG readable at laptop width, use
 * only the embedded font, and no label overflows its box (measured with that font).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { Resvg } from "@resvg/resvg-js";
import * as fontkit from "fontkit";
import { DIAGRAM_FILES, diagramOf } from "../tools/architecture-diagram";
import { buildDot, renderSvg, svgTexts } from "../tools/diagram";
import { DIAGRAM_FONT_FAMILY, DIAGRAM_FONT_STACK, missingGlyphs, textWidth } from "../tools/diagram-font";
import { readSynthOutput, type ManifestStack, type SynthOutput, type TfDocument } from "../src/app/synth-output";
import { synthesizeAll } from "./helpers/synth";

const subnet = (tier: string, az: string, cidr: string) => ({ vpc_id: "${aws_vpc.vpc.id}", availability_zone: az, cidr_block: cidr, tags: { Name: `${tier}-${az}`, Tier: tier } });

/** A plane stack the way the constructs are expected to synthesize it. */
function plane(prefix: string, cidr: string, region: string, extra: Record<string, Record<string, unknown>> = {}, more: Partial<TfDocument> = {}): TfDocument {
  const [a, b] = [`${region}a`, `${region}b`];
  const net = cidr.split(".").slice(0, 2).join(".");
  return {
    provider: { aws: [{ region }, { alias: "global", region: "us-east-1" }] },
    resource: {
      aws_vpc: { vpc: { cidr_block: cidr, tags: { Name: `${prefix}-vpc` } } },
      aws_subnet: {
        pub_a: subnet("public", a, `${net}.96.0/24`),
        pub_b: subnet("public", b, `${net}.97.0/24`),
        priv_a: subnet("private", a, `${net}.0.0/19`),
        priv_b: subnet("private", b, `${net}.32.0/19`),
        db_a: subnet("database", a, `${net}.99.0/24`),
        db_b: subnet("database", b, `${net}.100.0/24`),
      },
      aws_internet_gateway: { igw: { vpc_id: "${aws_vpc.vpc.id}" } },
      aws_nat_gateway: { nat: { subnet_id: "${aws_subnet.pub_a.id}" } },
      aws_iam_role: { r1: { name: "x" }, r2: { name: "y" } },
      ...extra,
    },
    ...more,
  };
}

function fixture(): SynthOutput {
  const global = plane(
    "cdn-prod-global",
    "10.30.0.0/16",
    "us-east-1",
    {
      aws_eks_cluster: { cluster: { name: "cdn-global-control", version: "1.35", vpc_config: { subnet_ids: ["${aws_subnet.priv_a.id}", "${aws_subnet.priv_b.id}"] } } },
      aws_eks_node_group: {
        system: { cluster_name: "${aws_eks_cluster.cluster.name}", node_group_name: "system", instance_types: ["m6i.xlarge", "m5.xlarge"], scaling_config: { min_size: 3, max_size: 5, desired_size: 3 } },
      },
      aws_eks_addon: { cni: { cluster_name: "${aws_eks_cluster.cluster.name}", addon_name: "vpc-cni" }, pia: { cluster_name: "${aws_eks_cluster.cluster.name}", addon_name: "eks-pod-identity-agent" } },
      aws_db_subnet_group: { dbsg: { name: "cdn-prod-global-db", subnet_ids: ["${aws_subnet.db_a.id}", "${aws_subnet.db_b.id}"] } },
      aws_rds_cluster: {
        db: {
          cluster_identifier: "cdn-prod-global",
          engine: "postgres",
          engine_version: "16.8",
          database_name: "cdn_global",
          db_cluster_instance_class: "db.m6gd.xlarge",
          db_subnet_group_name: "${aws_db_subnet_group.dbsg.name}",
          availability_zones: ["us-east-1a", "us-east-1b", "us-east-1c"],
        },
      },
      aws_s3_bucket: { bundles: { bucket: "cdn-config-bundles" } },
    },
    { output: { "cross-stack-output-aws_vpcvpcid": { value: "${aws_vpc.vpc.id}" } } },
  );
  const regional = plane("cdn-prod-regional-uswest", "10.31.0.0/16", "us-west-2", {
    aws_vpc_peering_connection: {
      peering: {
        vpc_id: "${aws_vpc.vpc.id}",
        peer_vpc_id: "${data.terraform_remote_state.cross-stack-reference-input-prod-global.outputs.cross-stack-output-aws_vpcvpcid}",
        peer_region: "us-east-1",
      },
    },
  });
  const k8s: TfDocument = {
    provider: { kubernetes: [{}], helm: [{}] },
    data: { aws_eks_cluster: { cluster: { name: "cdn-global-control" } } },
    resource: {
      helm_release: {
        monitoring: { name: "kube-prometheus-stack", chart: "kube-prometheus-stack", version: "77.0.0", namespace: "monitoring" },
        ingress: { name: "ingress-nginx", chart: "ingress-nginx", version: "4.13.0", namespace: "ingress-nginx" },
      },
      kubernetes_namespace_v1: { workloads: { metadata: { name: "cdn" } } },
    },
  };
  const stacks = new Map<string, TfDocument>([
    ["prod-global", global],
    ["prod-global-k8s", k8s],
    ["prod-regional-uswest", regional],
    ["staging-global", plane("cdn-staging-global", "10.20.0.0/16", "us-east-1")],
  ]);
  const deps: Record<string, string[]> = { "prod-global-k8s": ["prod-global"], "prod-regional-uswest": ["prod-global"] };
  const manifest = new Map<string, ManifestStack>(
    [...stacks.keys()].map((name) => [name, { name, dependencies: deps[name] ?? [], workingDirectory: `stacks/${name}`, synthesizedStackPath: `stacks/${name}/cdk.tf.json` }]),
  );
  return { outdir: "fixture", manifest, stacks };
}

describe("buildDot", () => {
  const dot = buildDot(fixture(), { environment: "prod", title: "fixture" });
  /** The DOT graph of one row (one stack). */
  const row = (stack: string) => {
    const found = dot.split(/^(?=digraph )/m).find((g) => g.startsWith(`digraph "${stack}" {`));
    expect(found, `no row for ${stack}`).toBeDefined();
    return found!;
  };

  it("draws only the chosen environment, one row per stack (Terraform state), in-cluster stacks below their plane", () => {
    const rows = [...dot.matchAll(/^digraph "([^"]+)" \{/gm)].map((m) => m[1]);
    expect(rows).toEqual(["prod-global", "prod-global-k8s", "prod-regional-uswest"]);
    expect(dot).not.toContain("staging");
    expect(row("prod-regional-uswest")).toContain('label="prod-regional-uswest (us-west-2)\\lTerraform state: local file terraform.tfstate\\lapplied after prod-global\\l"');
    expect(row("prod-global-k8s")).toContain("deploys into EKS cdn-global-control (prod-global)\\l");
  });

  it("shows VPCs with subnet tiers (AZ count and CIDRs) and gateways", () => {
    expect(dot).toContain('label="VPC cdn-prod-global-vpc  10.30.0.0/16"');
    expect(dot).toContain('label="public subnets (2 AZs)\\nus-east-1a  10.30.96.0/24\\nus-east-1b  10.30.97.0/24"');
    expect(dot).toContain('label="database subnets (2 AZs)\\nus-west-2a  10.31.99.0/24\\nus-west-2b  10.31.100.0/24"');
    expect(dot).toContain('label="internet gateway\\nNAT gateways x1"');
  });

  it("shows the EKS cluster with add-ons and node groups, inside its VPC, right of the private tier", () => {
    expect(dot).toContain('label="EKS cdn-global-control\\nKubernetes 1.35\\nadd-ons: eks-pod-identity-agent, vpc-cni"');
    expect(dot).toContain('label="node group system\\nm6i.xlarge / m5.xlarge\\n3-5 nodes"');
    const global = row("prod-global");
    const vpc = global.indexOf('subgraph "cluster_vpc_prod-global_vpc" {');
    expect(vpc).toBeGreaterThan(0);
    expect(global.indexOf('"prod-global|aws_eks_cluster.cluster" [')).toBeGreaterThan(vpc);
    expect(global).toContain('{ rank=same; "prod-global|tier|vpc|private"; "prod-global|aws_eks_cluster.cluster"; }');
    expect(global).toContain('"prod-global|tier|vpc|private" -> "prod-global|aws_eks_cluster.cluster" [style=invis];');
    expect(global).toContain('"prod-global|aws_eks_cluster.cluster" -> "prod-global|aws_eks_node_group.system" [arrowhead=none];');
  });

  it("shows the Multi-AZ DB cluster as a writer with readable standbys", () => {
    expect(dot).toContain(
      'label="postgres 16.8 cdn-prod-global\\ndatabase cdn_global\\nMulti-AZ DB cluster, db.m6gd.xlarge\\nwriter + 2 readable standbys\\nus-east-1a, us-east-1b, us-east-1c", shape=cylinder',
    );
  });

  it("shows the bucket, the in-cluster releases and the peering in both VPCs", () => {
    expect(dot).toContain('label="S3 cdn-config-bundles", shape=folder');
    expect(dot).toContain('label="helm kube-prometheus-stack\\nkube-prometheus-stack 77.0.0\\nnamespace monitoring", shape=component');
    expect(row("prod-global")).toContain('label="VPC peering with prod-regional-uswest\\ncdn-prod-regional-uswest-vpc  10.31.0.0/16"');
    expect(row("prod-regional-uswest")).toContain('label="VPC peering with prod-global\\ncdn-prod-global-vpc  10.30.0.0/16"');
  });

  it("counts every other resource type per stack", () => {
    expect(dot).toMatch(/"prod-global\|others" \[label="also 3 resources:\\naws_iam_role x2\\naws_db_subnet_group x1"/);
    expect(dot).toMatch(/"prod-global-k8s\|others" \[label="also 1 resources:\\nkubernetes_namespace_v1 x1"/);
  });

  it("is deterministic, whatever the insertion order of stacks and resources", () => {
    const f = fixture();
    const reversed: SynthOutput = {
      ...f,
      stacks: new Map(
        [...f.stacks].reverse().map(([name, doc]) => [
          name,
          { ...doc, resource: Object.fromEntries(Object.entries(doc.resource ?? {}).reverse().map(([t, byName]) => [t, Object.fromEntries(Object.entries(byName).reverse())])) },
        ]),
      ),
    };
    expect(buildDot(reversed, { environment: "prod", title: "fixture" })).toBe(dot);
    expect(dot).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it("renders to one SVG with the WASM Graphviz, rows stacked, the font embedded", async () => {
    const svg = await renderSvg(dot);
    expect(svg).toMatch(/^<\?xml/);
    expect(svg).toContain("EKS cdn&#45;global&#45;control");
    expect(svg.match(/<g id="row\d+" /g)).toHaveLength(3);
    expect(svg).toMatch(/@font-face \{ font-family: 'DejaVu Sans'; src: url\(data:font\/ttf;base64,[A-Za-z0-9+/=]+\) format\('truetype'\); \}/);
    // Deterministic: the committed SVG is compared byte for byte with a fresh rendering below.
  });
});

describe("the committed diagram", () => {
  const root = join(__dirname, "..");
  const committedSvg = readFileSync(join(root, DIAGRAM_FILES.svg), "utf8");

  it("is up to date with the code (otherwise run `npm run diagram` and commit docs/architecture.*)", async () => {
    // From the stacks synthesized once for the whole test run (every environment; the diagram takes one).
    const { dot, svg } = await diagramOf(readSynthOutput(synthesizeAll().outdir));
    const committedDot = readFileSync(join(root, DIAGRAM_FILES.dot), "utf8");
    expect(committedDot === dot, `${DIAGRAM_FILES.dot} is out of date: run \`npm run diagram\` and commit the result`).toBe(true);
    expect(committedSvg === svg, `${DIAGRAM_FILES.svg} is out of date: run \`npm run diagram\` and commit the result`).toBe(true);
  });

  it("uses only the embedded font, which has a glyph for every character it shows", () => {
    const families = new Set([...committedSvg.matchAll(/font-family="([^"]*)"/g)].map((m) => m[1]));
    expect([...families]).toEqual([DIAGRAM_FONT_STACK]);
    const font = embeddedFont(committedSvg);
    const texts = svgTexts(committedSvg);
    expect(texts.length).toBeGreaterThan(20);
    expect(texts.flatMap((t) => missingGlyphs(t, font))).toEqual([]);
  });

  it("renders to a PNG readable at laptop width: at most 1440 px wide at 100%, no text under 10 pt", () => {
    // Only the font the SVG embeds: no system font can stand in for it.
    const fontFile = join(mkdtempSync(join(tmpdir(), "cdn-diagram-font-")), "embedded.ttf");
    onTestFinished(() => rmSync(dirname(fontFile), { recursive: true, force: true }));
    writeFileSync(fontFile, embeddedFontBuffer(committedSvg));
    const resvg = new Resvg(committedSvg, { font: { loadSystemFonts: false, fontFiles: [fontFile], defaultFontFamily: DIAGRAM_FONT_FAMILY } });
    const png = resvg.render();
    // SVG points at 96 dpi: 1 pt = 4/3 px.
    expect(png.width).toBeGreaterThan(600);
    expect(png.width).toBeLessThanOrEqual(1440);
    expect(png.height).toBeGreaterThan(png.width / 2);
    expect(png.asPng().subarray(1, 4).toString("latin1")).toBe("PNG");
    const sizes = [...committedSvg.matchAll(/font-size="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(sizes.length).toBeGreaterThan(0);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(10);
    // The text is drawn with the embedded font: without it (and without system fonts) far less ink.
    const ink = (pixels: Buffer) => {
      let dark = 0;
      for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 100 && pixels[i + 1] < 100 && pixels[i + 2] < 100) dark++;
      return dark;
    };
    const half = (font: { loadSystemFonts: false; fontFiles?: string[] }) => new Resvg(committedSvg, { font, fitTo: { mode: "zoom", value: 0.5 } }).render();
    expect(ink(half({ loadSystemFonts: false, fontFiles: [fontFile] }).pixels)).toBeGreaterThan(2 * ink(half({ loadSystemFonts: false }).pixels));
  });

  it("has no label wider or taller than its box (measured with the embedded font)", () => {
    const font = embeddedFont(committedSvg);
    expect(labelledBoxes(committedSvg).length).toBeGreaterThan(20);
    expect(overflows(committedSvg, font)).toEqual([]);
  });

  it("the overflow check fires on a label wider than its box, and on one below it", () => {
    const font = embeddedFont(committedSvg);
    const wide = committedSvg.replace(/(<g id="row1_node1" class="node">[\s\S]*?<text[^>]*>)([^<]*)/, "$1$2 and a much longer tail that cannot fit");
    expect(overflows(wide, font)).toEqual([expect.stringMatching(/^row1_node1: ".* and a much longer tail that cannot fit" spans/)]);
    const low = committedSvg.replace(/(<g id="row1_node1" class="node">[\s\S]*?<text[^>]*\by=")([-\d.]+)/, (_, head: string, y: string) => `${head}${Number(y) + 1000}`);
    expect(overflows(low, font)).toHaveLength(1);
  });
});

/** Every label of the SVG that does not fit inside its node's or cluster's shape (1 pt margin at the sides). */
function overflows(svg: string, font: fontkit.Font): string[] {
  const out: string[] = [];
  for (const box of labelledBoxes(svg)) {
    for (const t of box.texts) {
      const width = textWidth(t.text, t.size, font);
      const left = t.anchor === "middle" ? t.x - width / 2 : t.anchor === "end" ? t.x - width : t.x;
      const top = t.y - (font.ascent / font.unitsPerEm) * t.size;
      const bottom = t.y - (font.descent / font.unitsPerEm) * t.size;
      if (!(left >= box.x1 + 1 && left + width <= box.x2 - 1 && top >= box.y1 && bottom <= box.y2)) {
        out.push(`${box.id}: "${t.text}" spans x ${left.toFixed(1)}..${(left + width).toFixed(1)}, y ${top.toFixed(1)}..${bottom.toFixed(1)}; box x ${box.x1}..${box.x2}, y ${box.y1}..${box.y2}`);
      }
    }
  }
  return out;
}

/** The font embedded in an SVG of ours, as bytes. */
function embeddedFontBuffer(svg: string): Buffer {
  const data = /url\(data:font\/ttf;base64,([A-Za-z0-9+/=]+)\)/.exec(svg)?.[1];
  expect(data, "no embedded font").toBeDefined();
  return Buffer.from(data!, "base64");
}

function embeddedFont(svg: string): fontkit.Font {
  return fontkit.create(embeddedFontBuffer(svg)) as fontkit.Font;
}

/** A node or cluster of the SVG: its shape's bounding box and its texts, in one coordinate system. */
interface LabelledBox {
  readonly id: string;
  readonly x1: number;
  readonly x2: number;
  readonly y1: number;
  readonly y2: number;
  readonly texts: { text: string; x: number; y: number; size: number; anchor: string }[];
}

/** Every node and cluster group Graphviz wrote, with the box its shape spans and the texts in it. */
function labelledBoxes(svg: string): LabelledBox[] {
  const out: LabelledBox[] = [];
  for (const g of svg.matchAll(/<g id="([^"]+)" class="(node|cluster)">([\s\S]*?)<\/g>/g)) {
    const [, id, , body] = g;
    const shape = /<(polygon|path|ellipse|polyline)\b[^>]*>/.exec(body)?.[0];
    if (!shape) continue;
    const numbers = (/\b(?:points|d)="([^"]*)"/.exec(shape)?.[1] ?? "").match(/-?\d+(?:\.\d+)?/g)?.map(Number) ?? [];
    const xs = numbers.filter((_, i) => i % 2 === 0);
    const ys = numbers.filter((_, i) => i % 2 === 1);
    const texts = [...body.matchAll(/<text\b([^>]*)>([^<]*)<\/text>/g)].map(([, attrs, text]) => ({
      text: svgTexts(`<text>${text}</text>`)[0],
      x: Number(/\bx="([^"]+)"/.exec(attrs)?.[1]),
      y: Number(/\by="([^"]+)"/.exec(attrs)?.[1]),
      size: Number(/font-size="([^"]+)"/.exec(attrs)?.[1]),
      anchor: /text-anchor="([^"]+)"/.exec(attrs)?.[1] ?? "start",
    }));
    if (texts.length === 0 || xs.length === 0) continue;
    out.push({ id, x1: Math.min(...xs), x2: Math.max(...xs), y1: Math.min(...ys), y2: Math.max(...ys), texts });
  }
  return out;
}
