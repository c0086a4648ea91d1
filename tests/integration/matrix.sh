# SPDX-License-Identifier: GPL-2.0-or-later
# tests/matrix writes the README's support matrix from test results: each
# test's latest result counts, a failure shows as FAIL, a test that never
# ran as "not run", and --update replaces only the README's matrix block.
source "$(dirname "$0")/lib.bash"
cat >"$WORK/results" <<'RESULTS'
integration/etc_count PASS 1 abc1234
integration/etc_count@arm FAIL 2 abc1234
integration/etc_count@arm PASS 2 abc1235
integration/channels_vm@i386 FAIL 5 abc1235
integration/hermetic_arm PASS 9 abc1235
RESULTS
"$ROOT/tests/matrix" "$WORK/results" >"$WORK/table"
cat "$WORK/table"
grep -q '^| x86_64 | 1/1 | not run | not run |' "$WORK/table" || fail "x86_64's row"
grep -q '^| arm | 1/1 | 1/1 | not run |' "$WORK/table" || fail "arm's row: the latest result counts"
grep -q '^| i386 | not run | not run | FAIL 0/1 |' "$WORK/table" || fail "i386's row: a failure"
grep -q '^| aarch64 | not run | 1/1 |' "$WORK/table" || fail "hermetic_arm covers aarch64"
expect_contains "$WORK/table" "at commit abc1234, abc1235"

printf '%s\n' '# title' 'before' '<!-- support matrix -->' 'old' '<!-- end of support matrix -->' \
    'after' >"$WORK/README.md"
"$ROOT/tests/matrix" "$WORK/results" --update "$WORK/README.md"
[ "$(head -n 3 "$WORK/README.md")" = "$(printf '%s\n' '# title' 'before' '<!-- support matrix -->')" ] ||
    fail "--update changed what comes before the block"
[ "$(tail -n 1 "$WORK/README.md")" = after ] || fail "--update changed what comes after the block"
! grep -qx old "$WORK/README.md" || fail "--update left the old table"
grep -q '^| arm | 1/1 |' "$WORK/README.md" || fail "--update did not write the table"

status=0
"$ROOT/tests/matrix" "$WORK/none" 2>"$WORK/err" || status=$?
[ "$status" -ne 0 ] || fail "a missing results file was not an error"
expect_contains "$WORK/err" "no test results in $WORK/none: run tests/run (or make test) first"
