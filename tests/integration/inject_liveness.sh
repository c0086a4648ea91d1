# SPDX-License-Identifier: GPL-2.0-or-later
# The core notices when guest_daemon is gone, tells the host plugins, and
# injects a new one; a plugin running at a revert is reported LOST.
#  1. sleeper runs; guest_daemon is killed: the keepalive ping goes
#     unanswered, sleeper is LOST (its exit will never be reported) and the
#     run does not wait for it.
#  2. a load after that injects a new daemon, and the plugin runs.
#  3. guest_daemon is killed with nothing running, then a plugin is loaded
#     at once: the ping before its LOAD goes unanswered, the plugin hears
#     DAEMON_GONE, a third daemon is injected and the plugin runs there.
#  4. (Python front) a VM paused for longer than the ping bound, while
#     keepalive pings are due, does not make the daemon gone: the bound
#     counts guest run time. Then a plugin running at revert_sync is LOST.
# arches: all
source "$(dirname "$0")/lib.bash"
export GUESTPLUG_PLUGIN_PATH=$ROOT/$BUILD/tests/plugins
tests_dir=$ROOT/$BUILD/guest/$ARCH/tests
token=$(new_token) # inject_test's control channel is trigger's by this token

# The guest clock counts only time in which the guest runs code, and an
# idle guest may halt for seconds: the waits keep it busy. A new daemon is
# waited for by its pid.
busy_wait='i=0; while [ $i -lt 50 ]; do i=$((i + 1)); sleep 0.1; done'
new_daemon='for i in $(seq 100); do new=$(pidof guest_daemon) && [ "$new" != "$old" ] && break; sleep 0.1; done'
status=0
SECONDS=0
"$GUESTPLUG" run -g "$ARCH" --core daemon_ping_ms=1000 \
    -p "inject_test:plugins=sleeper,dir=$tests_dir,token=$token" \
    --copy "$tests_dir/trigger:/tmp/trigger" \
    -c 'for i in $(seq 30); do pidof sleeper && break; sleep 1; done' \
    -c 'old=$(pidof guest_daemon); echo "first daemon $old"; kill -9 $old' \
    -c "$busy_wait" \
    -c "GUESTPLUG_TOKEN=$token /tmp/trigger inject_test 'load c_example'; $new_daemon" \
    -c 'sleep 2' \
    -c 'old=$(pidof guest_daemon); echo "second daemon $old"; kill -9 $old' \
    -c "GUESTPLUG_TOKEN=$token /tmp/trigger inject_test 'load c_example'; $new_daemon" \
    -c 'echo "third daemon $(pidof guest_daemon)"' \
    -c 'kill $(pidof sleeper)' >"$WORK/out" 2>&1 || status=$?
elapsed=$SECONDS
cat "$WORK/out"
[ "$status" -eq 0 ] || fail "the run exited with status $status"
[ "$elapsed" -lt 120 ] || fail "the run took $elapsed s: did it wait for a lost plugin?"

first=$(sed -n 's/^first daemon \([0-9]*\)$/\1/p' "$WORK/out")
second=$(sed -n 's/^second daemon \([0-9]*\)$/\1/p' "$WORK/out")
third=$(sed -n 's/^third daemon \([0-9]*\)$/\1/p' "$WORK/out")
[ -n "$first" ] && [ -n "$second" ] && [ -n "$third" ] || fail "a daemon was not running"
[ "$first" != "$second" ] && [ "$second" != "$third" ] || fail "no new daemon after a kill"
[ "$(grep -c 'guestplug: guest_daemon is up' "$WORK/out")" -eq 3 ] ||
    fail "not three daemons injected"

# 1. The running plugin was lost with its daemon, and the host plugin heard.
expect_contains "$WORK/out" "inject_test: sleeper started"
expect_contains "$WORK/out" "inject_test: sleeper lost: guest_daemon (pid $first) is gone (no answer to a ping within 1000 ms of guest run time"
expect_contains "$WORK/out" "guestplug: guest_daemon (pid $first) is gone: no answer to a ping"
! grep -q 'inject_test: sleeper exited' "$WORK/out" || fail "a dead daemon reported an exit"
# 2, 3. c_example ran twice, the second time after hearing its daemon was gone.
[ "$(grep -c 'inject_test: c_example exited: status 0' "$WORK/out")" -eq 2 ] ||
    fail "c_example did not run twice"
[ "$(grep -c 'inject_test: c_example daemon gone' "$WORK/out")" -eq 1 ] ||
    fail "c_example did not hear once that its daemon was gone"
expect_contains "$WORK/out" "inject_test: c_example daemon gone (pid $second): guest_daemon (pid $second) is gone (no answer to a ping"
sed -n '/inject_test: c_example daemon gone/,$p' "$WORK/out" |
    grep -q 'inject_test: c_example started' ||
    fail "c_example was not started after its daemon was replaced"

# 4. A pause is not a death; a plugin running at a revert is LOST.
export PYTHONPATH=$ROOT/python GUESTPLUG_RUN_LIB=$ROOT/$BUILD/lib/libguestplug-run.so
cat >"$WORK/revert.py" <<PY
import time
from guestplug import Panda

panda = Panda(generic="$ARCH")
panda.set_core_arg("daemon_ping_ms", "1000")
panda.load_plugin("inject_test", {"plugins": "sleeper", "dir": "$tests_dir"})

@panda.queue_blocking
def revert_while_it_runs():
    print(panda.run_serial_cmd("for i in \$(seq 30); do pidof sleeper && break; sleep 1; done"))
    panda.run_monitor_cmd("stop")
    time.sleep(4)
    panda.run_monitor_cmd("cont")
    print(panda.run_serial_cmd("$busy_wait; echo still \$(pidof guest_daemon)"))
    panda.revert_sync("root")
    print("after revert:", panda.run_serial_cmd("pidof sleeper || echo no sleeper"))
    panda.end_analysis()

panda.run()
print("revert done")
PY
timeout 180 python3 "$WORK/revert.py" >"$WORK/revert" 2>&1 || fail "the Python run failed: $(cat "$WORK/revert")"
cat "$WORK/revert"
expect_contains "$WORK/revert" "inject_test: sleeper started"
grep -qE '^still [0-9]+$' "$WORK/revert" || fail "no guest_daemon after the pause"
! grep -q 'is gone' "$WORK/revert" || fail "a paused VM was taken for a dead daemon"
expect_contains "$WORK/revert" "inject_test: sleeper lost: the guest was reverted to a snapshot while it ran"
expect_contains "$WORK/revert" "after revert: no sleeper"
expect_contains "$WORK/revert" "revert done"
