#!/usr/bin/env bash
# Records one environment's Terraform state for tools/bin/plan-schedule.ts: the listing of its state
# prefix (`aws s3api list-objects-v2`) and, per state object, only the managed resource count, the
# resource types and the output names (the state passes through jq in memory; no value is kept).
# Needs s3:ListBucket on the bucket, s3:GetObject on the prefix and kms:Decrypt on the state key
# (the plan role). Usage: state-summary.sh <bucket> <prefix> <environment> <out.json>
set -euo pipefail
bucket="$1" prefix="$2" environment="$3" out="$4"
listing="$(mktemp)"
aws s3api list-objects-v2 --bucket "$bucket" --prefix "$prefix/" --output json > "$listing"
[ -s "$listing" ] || echo '{}' > "$listing"
summaries='{}'
for key in $(jq -r '.Contents[]?.Key | select(endswith(".tfstate"))' "$listing"); do
  summary=$(aws s3 cp "s3://$bucket/$key" - | jq -c '{resources: ([.resources[]? | select(.mode == "managed")] | length),
    types: ([.resources[]? | select(.mode == "managed") | .type] | unique), outputs: ((.outputs // {}) | keys)}')
  summaries=$(jq -c --arg key "$key" --argjson s "$summary" '. + {($key): $s}' <<< "$summaries")
done
jq -n --arg env "$environment" --arg prefix "$prefix" --slurpfile listing "$listing" --argjson summaries "$summaries" \
  '{environment: $env, prefix: $prefix, listing: $listing[0], summaries: $summaries}' > "$out"
jq -r '.summaries | to_entries[] | "\(.key): \(.value.resources) resource(s)"' "$out"
rm -f "$listing"
