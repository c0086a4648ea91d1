# SPDX-License-Identifier: GPL-2.0-or-later
# Two guest plugins loaded back to back both run; one that segfaults is
# reported as EXITED with signal 11; a missing one gets PANDA's message and
# nothing crashes (the guest still answers commands). Each failing guest
# plugin makes the run exit 1 with a line naming it.
# arches: all
source "$(dirname "$0")/lib.bash"
export GUESTPLUG_PLUGIN_PATH=$ROOT/$BUILD/tests/plugins
tests_dir=$ROOT/$BUILD/guest/$ARCH/tests

status=0
"$GUESTPLUG" run -g "$ARCH" -p "inject_test:plugins=c_example+crash,dir=$tests_dir" \
    -c 'sleep 2' -c 'echo still here' >"$WORK/two" 2>&1 || status=$?
cat "$WORK/two"
[ "$status" -eq 1 ] || fail "exit status $status with a crashing guest plugin, want 1"
expect_contains "$WORK/two" "guestplug: guest plugin crash was killed by signal 11"
expect_contains "$WORK/two" "inject_test: c_example started"
expect_contains "$WORK/two" "inject_test: crash started"
expect_contains "$WORK/two" "inject_test: c_example sent u32"
expect_contains "$WORK/two" "inject_test: c_example exited: status 0"
expect_contains "$WORK/two" "inject_test: crash sent 'about to crash'"
expect_contains "$WORK/two" "inject_test: crash exited: signal 11"
expect_contains "$WORK/two" "still here"

# A file the guest cannot execute: FAILED with the guest's errno, not STARTED.
printf 'not an ELF\n' >"$WORK/notelf"
status=0
"$GUESTPLUG" run -g "$ARCH" -p "inject_test:plugins=notelf,dir=$WORK" -c 'sleep 1' \
    >"$WORK/notelf.out" 2>&1 || status=$?
cat "$WORK/notelf.out"
[ "$status" -eq 1 ] || fail "exit status $status with a non-ELF guest plugin, want 1"
expect_contains "$WORK/notelf.out" "guestplug: guest plugin notelf could not be started: guest_daemon could not run it: Exec format error"
expect_contains "$WORK/notelf.out" "inject_test: notelf failed (8): guest_daemon could not run it: Exec format error"
! grep -q "inject_test: notelf started" "$WORK/notelf.out" || fail "notelf reported as started"

status=0
"$GUESTPLUG" run -g "$ARCH" -p inject_test:plugins=does_not_exist -c 'echo alive' \
    >"$WORK/missing" 2>&1 || status=$?
cat "$WORK/missing"
[ "$status" -eq 1 ] || fail "exit status $status with a missing guest plugin, want 1"
expect_contains "$WORK/missing" "guestplug: guest plugin does_not_exist could not be started: it has not been built"
expect_contains "$WORK/missing" 'No guest plugin path was provided but plugin "does_not_exist" could not be found, ensure "does_not_exist" has been built.'
expect_contains "$WORK/missing" "$ROOT/$BUILD/guest/$ARCH/does_not_exist"
expect_contains "$WORK/missing" "inject_test: load does_not_exist -> invalid"
expect_contains "$WORK/missing" "alive"
