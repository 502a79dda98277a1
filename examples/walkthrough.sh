#!/usr/bin/env bash
# A walk through the service with curl, against a fresh `kaoping serve`:
#   terminal 1:  kaoping serve
#   terminal 2:  bash examples/walkthrough.sh
# Set KAOPING_URL if the service is elsewhere; run it with the same KAOPING_DATA_DIR (or
# KAOPING_DATABASE_URL) as the service, since the tokens are created in its database.
set -euo pipefail
cd "$(dirname "$0")/.."
url=${KAOPING_URL:-http://127.0.0.1:8000}
kaoping=${KAOPING_CLI:-kaoping}
json() { python3 -c "import json, sys; data = json.load(sys.stdin); print($1)"; }
step() { printf '\n== %s\n' "$*"; }

step "1. Tokens: two editors (four eyes), a submitter of 城关镇 and an auditor (each printed once)"
$kaoping units import examples/units.csv
editor=$($kaoping token create --role editor --name 张编辑 | tail -n 1)
reviewer=$($kaoping token create --role editor --name 陈审核 | tail -n 1)
submitter=$($kaoping token create --role submitter --name 李填报 --unit cgz | tail -n 1)
auditor=$($kaoping token create --role auditor --name 王审计 | tail -n 1)
echo "tokens created"

step "2. Load the village star-rating ruleset; another editor publishes version 1 for 2025"
status=$(curl -sS -o /tmp/kaoping-walkthrough-load.json -w '%{http_code}' -X POST "$url/rulesets" \
  -H "Authorization: Bearer $editor" -H "Content-Type: application/yaml" --data-binary @rulesets/village-branch-stars.yaml)
if [ "$status" = 409 ]; then
  echo "already loaded (kaoping serve --load):"
  curl -sS "$url/rulesets/village-branch-stars" -H "Authorization: Bearer $editor" > /tmp/kaoping-walkthrough-load.json
elif [ "$status" = 201 ]; then
  curl -sS -o /dev/null -X POST "$url/rulesets/village-branch-stars/versions/1/publish" \
    -H "Authorization: Bearer $reviewer" -H "Content-Type: application/json" -d '{"periods": ["2025"]}'
  curl -sS "$url/rulesets/village-branch-stars" -H "Authorization: Bearer $editor" > /tmp/kaoping-walkthrough-load.json
else
  echo "loading the ruleset failed with HTTP $status:" >&2; cat /tmp/kaoping-walkthrough-load.json >&2; exit 1
fi
json '"%s: published version %s" % (data["id"], data["published_version"])' < /tmp/kaoping-walkthrough-load.json

step "3. Score 红旗村, then retry with the same Idempotency-Key: the same record comes back"
score() {
  curl -sS -D /tmp/kaoping-walkthrough-headers -X POST "$url/rulesets/village-branch-stars/scores" \
    -H "Authorization: Bearer $submitter" -H "Content-Type: application/json" -H "Idempotency-Key: hongqi-2025" \
    --data-binary @examples/village-hongqi.json
}
record=$(score)
score_id=$(echo "$record" | json 'data["id"]')
echo "$record" | json '"score %s: total %s, grade %s" % (data["id"], data["total"], data["grade"])'
retried=$(score | json 'data["id"]')
replayed=$(grep -ci '^idempotent-replayed: true' /tmp/kaoping-walkthrough-headers || true)
echo "retry: the same record: $([ "$retried" = "$score_id" ] && echo yes || echo no), replayed: $([ "$replayed" = 1 ] && echo yes || echo no)"

step "4. Why: the explanation, in Chinese"
curl -sS "$url/scores/$score_id/explanation?format=text" -H "Authorization: Bearer $auditor" | tail -n 12

step "5. An editor drafts version 2: income of 6.1万元 already earns the top band"
sed 's/"collective_income >= 10", points: 8/"collective_income >= 6.1", points: 8/' rulesets/village-branch-stars.yaml \
  > /tmp/kaoping-walkthrough-v2.yaml
note=$(python3 -c "import urllib.parse; print(urllib.parse.quote('放宽收入分档'))")
curl -sS -X POST "$url/rulesets/village-branch-stars/versions?base_version=1&note=$note" \
  -H "Authorization: Bearer $editor" -H "Content-Type: application/yaml" --data-binary @/tmp/kaoping-walkthrough-v2.yaml \
  | json '"version %s is a %s" % (data["number"], data["status"])'

step "6. What changed, in domain terms"
curl -sS "$url/rulesets/village-branch-stars/diff?from=1&to=2" -H "Authorization: Bearer $auditor" \
  | json '"\n".join("%s %s %s: %s" % (c["element"], c["id"], c["change"], "; ".join(c["details"])) for c in data["changes"])'

step "7. What it would do to the units already scored"
curl -sS -X POST "$url/rulesets/village-branch-stars/versions/2/simulate" -H "Authorization: Bearer $editor" \
  | json '"%s unit(s), %s change grade: %s" % (data["units"], data["changed_grade"], data["grade_moves"])'

step "8. The other editor publishes version 2 for 2026 (its author may not)"
curl -sS -X POST "$url/rulesets/village-branch-stars/versions/2/publish" -H "Authorization: Bearer $reviewer" \
  -H "Content-Type: application/json" -d '{"periods": ["2026"]}' \
  | json '"version %s is %s" % (data["number"], data["status"])'

step "9. An auditor recomputes the first score from its record"
curl -sS -X POST "$url/scores/$score_id/verify" -H "Authorization: Bearer $auditor" \
  | json '"identical: %s, differences: %s" % (data["identical"], data["differences"])'

step "10. And checks the whole chain of records"
curl -sS "$url/audit/verify" -H "Authorization: Bearer $auditor" \
  | json '"%s record(s), %s event(s), intact: %s" % (data["records"], data["events"], data["intact"])'
