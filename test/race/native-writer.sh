#!/usr/bin/env bash
# A native git writer for the race suite: read-modify-write of refs/plan/state using only
# git plumbing, with `git update-ref <ref> <new> <old>` as the compare-and-swap.
#   native-writer.sh <id> <successes wanted> <scratch dir>
# stdout: "NATIVE <id> <commit>" per successful update-ref, then "NDONE <id> <ok> <lost>".
set -u
id=$1
want=$2
scratch=$3
ref=refs/plan/state
ok=0
lost=0
tries=0
export GIT_INDEX_FILE="$scratch/native-$id.index"
while [ "$ok" -lt "$want" ]; do
  tries=$((tries + 1))
  if [ "$tries" -gt 5000 ]; then echo "NERR $id too many attempts"; exit 3; fi
  tip=$(git rev-parse --verify -q "$ref^{commit}") || { echo "NERR $id no tip"; exit 2; }
  text=$(git cat-file blob "$tip:counter.yaml") || { echo "NERR $id cannot read counter at $tip"; exit 2; }
  case "$text" in
    "value: "[0-9]*) value=${text#value: } ;;
    *) echo "NERR $id unexpected counter \"$text\" at $tip"; exit 2 ;;
  esac
  blob=$(printf 'value: %d\n' "$((value + 1))" | git hash-object -w --stdin) || exit 2
  git read-tree "$tip^{tree}" || exit 2
  git update-index --cacheinfo "100644,$blob,counter.yaml" || exit 2
  tree=$(git write-tree) || exit 2
  commit=$(git commit-tree "$tree" -p "$tip" -m "native: $id #$ok") || exit 2
  if git update-ref "$ref" "$commit" "$tip" 2>/dev/null; then
    ok=$((ok + 1))
    echo "NATIVE $id $commit"
  else
    lost=$((lost + 1))
  fi
done
rm -f "$GIT_INDEX_FILE"
echo "NDONE $id $ok $lost"
