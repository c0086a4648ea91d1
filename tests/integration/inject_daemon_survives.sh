# SPDX-License-Identifier: GPL-2.0-or-later
# guest_daemon outlives the process it was injected into: injected into the
# short-lived `trigger` program (inject_comm=trigger; busybox's applets run
# as "sh" or "exe"), it keeps serving after that process has exited (a
# second plugin, loaded later from a channel callback, still runs) and is
# owned by init.
# arches: all
source "$(dirname "$0")/lib.bash"
export GUESTPLUG_PLUGIN_PATH=$ROOT/$BUILD/tests/plugins
tests_dir=$ROOT/$BUILD/guest/$ARCH/tests
token=$(new_token) # inject_test's control channel is trigger's by this token

# crash dies of SIGSEGV, so the run fails (status 1) and says so.
status=0
"$GUESTPLUG" run -g "$ARCH" --core inject_comm=trigger \
    -p "inject_test:plugins=c_example,dir=$tests_dir,token=$token" --copy "$tests_dir/trigger:/tmp/trigger" \
    -c '/tmp/trigger no_such_channel hello' -c 'sleep 2' \
    -c 'ps -o comm | grep -x trigger || echo no trigger left' \
    -c "GUESTPLUG_TOKEN=$token /tmp/trigger inject_test 'load crash'" -c 'sleep 2' \
    -c 'ps -o pid,ppid,args | grep "[g]uest_daemon"' >"$WORK/out" 2>&1 || status=$?
cat "$WORK/out"
[ "$status" -eq 1 ] || fail "exit status $status, want 1 for the crashed guest plugin"
expect_contains "$WORK/out" "guestplug: guest plugin crash was killed by signal 11"
expect_contains "$WORK/out" "inject_test: c_example sent u32"
expect_contains "$WORK/out" "no trigger left"
expect_contains "$WORK/out" "inject_test: crash started"
expect_contains "$WORK/out" "inject_test: crash exited: signal 11"
grep -qE '^ *[0-9]+ +1 .*guest_daemon' "$WORK/out" || fail "guest_daemon is not a child of init"
