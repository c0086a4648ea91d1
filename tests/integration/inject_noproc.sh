# SPDX-License-Identifier: GPL-2.0-or-later
# guest_daemon runs a guest plugin with no /proc in the guest (a cold boot
# before init mounts it): it execs the plugin's memfd with execveat(fd, "",
# AT_EMPTY_PATH), not through /proc/self/fd/N. The daemon is injected while
# /proc is there (the injector's own cold-boot path has tests of its own),
# then /proc is unmounted and a second plugin is asked for.
# arches: all
source "$(dirname "$0")/lib.bash"
export GUESTPLUG_PLUGIN_PATH=$ROOT/$BUILD/tests/plugins
tests_dir=$ROOT/$BUILD/guest/$ARCH/tests
token=$(new_token) # inject_test's control channel is trigger's by this token

status=0
"$GUESTPLUG" run -g "$ARCH" -p "inject_test:plugins=c_example,token=$token" \
    --copy "$tests_dir/trigger:/tmp/trigger" \
    -c 'for i in $(seq 30); do pidof guest_daemon >/dev/null && break; sleep 1; done; sleep 1' \
    -c 'umount /proc || umount -l /proc; [ -e /proc/self ] && echo "proc still there" || echo "proc is gone"' \
    -c "GUESTPLUG_TOKEN=$token /tmp/trigger inject_test 'load c_example'" \
    -c 'sleep 2' >"$WORK/out" 2>&1 || status=$?
cat "$WORK/out"
[ "$status" -eq 0 ] || fail "the run exited with status $status"
expect_contains "$WORK/out" "proc is gone"
# The second run of c_example comes after the line saying /proc is gone.
sed -n '/^proc is gone$/,$p' "$WORK/out" >"$WORK/after"
expect_contains "$WORK/after" "inject_test: c_example started"
expect_contains "$WORK/after" "inject_test: c_example sent u32"
expect_contains "$WORK/after" "inject_test: c_example exited: status 0"
! grep -q "inject_test: c_example failed" "$WORK/out" || fail "c_example could not be started without /proc"
[ "$(grep -c 'guestplug: guest_daemon is up' "$WORK/out")" -eq 1 ] ||
    fail "a second daemon was injected: the first should have run the plugin"
