#!/usr/bin/env bash
# name: cli/source_help_names_every_format
# description: the --source help of every command that reads records (analyze, plan, run, verify, validate,
#   import, export) names every file format Ferry reads (jsonl, json, csv, xml, yaml, md), and each one it
#   names is accepted as a FORMAT:PATH source.
# group: e2e
source "$(dirname "$0")/../lib.sh"
for command in analyze plan run verify validate import export; do
  "$FERRY" "$command" --help > help.txt
  line=$(grep -A3 -- '--source' help.txt | tr '\n' ' ')
  for format in jsonl json csv xml yaml md; do
    grep -Eq "(^|[^a-z])$format([^a-z]|$)" <<< "$line" || fail "'ferry $command --help' omits $format: $line"
  done
done
# Every named format reads (here through a conversion without a project).
printf '{"id":"a","n":1}\n' > in.jsonl
for format in jsonl json csv xml yaml md; do
  "$FERRY" export -q --source in.jsonl --target "$format:out.$format" > /dev/null
  "$FERRY" export -q --source "$format:out.$format" --target "back-$format.jsonl" > /dev/null
  grep -q '"a"' "back-$format.jsonl" || fail "$format: $(cat "back-$format.jsonl")"
done
echo "PASS"
