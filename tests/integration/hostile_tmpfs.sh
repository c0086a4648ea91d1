# SPDX-License-Identifier: GPL-2.0-or-later
# The tmpfs fallback (kernels without memfd_create) against an unprivileged
# attacker. inject_memfd=off forces it on the generic image's 6.1 kernel, in
# the injector and in guest_daemon. Before anything is injected, nobody
# pre-creates files and symlinks at every name guestplug ever used in
# /dev/shm and /tmp, then watches both with inotify, attacking every new
# entry it sees (write into it, replace it, unlink it, squat its name
# everywhere, re-plant it the moment it is deleted). Then:
#  - the real daemon is injected and both guest plugins run, from files in
#    /dev/shm (their /proc/PID/exe), not from memfds;
#  - nothing of the attacker ran as root (its payload writes /tmp/gp-pwned);
#  - the attacker's files are as planted, seen from another process;
#  - no attack worked, and no root-owned file is left in the tmpfs dirs.
# arches: all
source "$(dirname "$0")/lib.bash"
export GUESTPLUG_PLUGIN_PATH=$ROOT/$BUILD/tests/plugins
tests_dir=$ROOT/$BUILD/guest/$ARCH/tests
as_nobody='su -s /bin/sh nobody -c'
squat=/tmp/gp-squat
token=$(new_token) # inject_test's control channel is trigger's by this token

status=0
"$GUESTPLUG" run -g "$ARCH" --core inject_memfd=off -p "inject_test:dir=$tests_dir,token=$token" \
    --copy "$tests_dir/tmpfs_squatter:/tmp/tmpfs_squatter" \
    --copy "$tests_dir/trigger:/tmp/trigger" \
    -c "echo victim > /etc/gp-victim && mkdir $squat && chown nobody $squat" \
    -c "$as_nobody '/tmp/tmpfs_squatter plant $squat/record /dev/shm /tmp'" \
    -c "$as_nobody '/tmp/tmpfs_squatter watch $squat/record /dev/shm /tmp >$squat/log 2>&1 &'" \
    -c "for i in 1 2 3 4 5 6 7 8 9 10; do grep -q watching $squat/log && break; sleep 1; done" \
    -c "GUESTPLUG_TOKEN=$token /tmp/trigger inject_test 'load c_example'" -c 'sleep 3' \
    -c "GUESTPLUG_TOKEN=$token /tmp/trigger inject_test 'load sleeper'" -c 'sleep 3' \
    -c 'echo "daemon runs $(readlink /proc/$(pidof guest_daemon)/exe)"' \
    -c 'echo "sleeper runs $(readlink /proc/$(pidof sleeper)/exe)"' \
    -c 'kill $(pidof sleeper); sleep 1' \
    -c 'kill $(pidof tmpfs_squatter); sleep 1' \
    -c "$as_nobody '/tmp/tmpfs_squatter check $squat/record'" \
    -c 'echo "victim says $(cat /etc/gp-victim)"' \
    -c 'find /dev/shm /tmp /run -maxdepth 1 -user 0 -name ".*" | sed "s/^/root left /"' \
    -c 'ls -la /dev/shm' \
    -c "if test -e /tmp/gp-pwned; then echo PWNED; else echo no marker; fi" \
    -c "cat $squat/log" >"$WORK/out" 2>&1 || status=$?
cat "$WORK/out"
[ "$status" -eq 0 ] || fail "the run exited with status $status"

# The real daemon ran, from a tmpfs file that is gone, and so did the plugins.
grep -qE '^daemon runs /dev/shm/\.guestplug-[0-9a-f]{32} \(deleted\)$' "$WORK/out" ||
    fail "guest_daemon did not run from a deleted, randomly named file in /dev/shm"
grep -qE '^sleeper runs /dev/shm/\.guestplug-[0-9a-f]{32} \(deleted\)$' "$WORK/out" ||
    fail "guest_daemon did not use its tmpfs fallback for a plugin"
expect_contains "$WORK/out" "inject_test: c_example started"
expect_contains "$WORK/out" "inject_test: c_example sent u32"
expect_contains "$WORK/out" "inject_test: c_example exited: status 0"
expect_contains "$WORK/out" "inject_test: sleeper sent 'sleeping'"
expect_contains "$WORK/out" "inject_test: sleeper exited: status 0"
[ "$(grep -c 'guestplug: guest_daemon is up' "$WORK/out")" -eq 1 ] ||
    fail "not exactly one guest_daemon called in"

# The attacker planted, watched, and saw our files appear and go.
[ "$(grep -c '^plant .*: ok$' "$WORK/out")" -ge 18 ] || fail "the attacker could not plant"
# inotify misses no event: the daemon's file and one per plugin came and went.
seen=$(grep -oE '^gone, planting its name /dev/shm/\.guestplug-[0-9a-f]{32}$' "$WORK/out" |
    sort -u | wc -l)
[ "$seen" -eq 3 ] || fail "the attacker saw $seen of our files come and go, not 3"
! grep -q 'ATTACK WORKED' "$WORK/out" || fail "an attack worked"
! grep -q 'CHANGED' "$WORK/out" || fail "an attacker's file was changed"
expect_contains "$WORK/out" "entries, all intact"
expect_contains "$WORK/out" "victim says victim"
expect_contains "$WORK/out" "no marker"
! grep -q '^PWNED' "$WORK/out" || fail "the attacker's payload ran as root"
! grep -q '^root left ' "$WORK/out" || fail "a root-owned file was left in a tmpfs"
