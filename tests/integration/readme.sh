# SPDX-License-Identifier: GPL-2.0-or-later
# The README's artefacts, exactly as a user copies them: its first command
# (the main job) run from the checkout prints the count and exits 0; its
# second is what .ci/run runs; its Python block is the seed's try_it.py that
# tests/integration/python_seed.sh runs.
source "$(dirname "$0")/lib.bash"
README=$ROOT/README.md

# The first two ``` blocks of the README, one command each.
awk '/^```$/ { if (on) { on = 0; n++ } else if (n < 2) on = 1; next } on { print > (dir "/block" (n + 0)) }' \
    dir="$WORK" "$README"
main_command=$(cat "$WORK/block0")
test_command=$(cat "$WORK/block1")
[ "$main_command" = "./guestplug run -g x86_64 -p guest_plugin_example" ] ||
    fail "README's first command changed: '$main_command' (update this test with it)"
grep -qF -- "$test_command" "$ROOT/.ci/run" || fail ".ci/run does not run the README's '$test_command'"

# ./guestplug builds into build/; a test run with another BUILD keeps it.
status=0
(cd "$ROOT" && timeout 600 env BUILD="$BUILD" bash -c "$main_command") >"$WORK/main" 2>&1 || status=$?
cat "$WORK/main"
[ "$status" -eq 0 ] || fail "the README's main command exited $status"
grep -qE '^Guest `/etc` file count: [0-9]+$' "$WORK/main" || fail "no count from the README's main command"

awk '/^```python$/ { on = 1; next } /^```/ { on = 0 } on' "$README" >"$WORK/readme.py"
cmp -s "$WORK/readme.py" "$ROOT/tests/integration/seed/try_it.py" ||
    { diff "$WORK/readme.py" "$ROOT/tests/integration/seed/try_it.py"; fail "README's Python block is not the seed's try_it.py"; }
