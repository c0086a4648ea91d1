# SPDX-License-Identifier: GPL-2.0-or-later
# Runs end when the work is done and their exit status says how it went
# (docs/running.md): the tutorial's host plugin, which never ends the
# analysis, ends by itself; -c true still gets the count; commands and guest
# plugins that fail make the run fail, with a line that says which; no
# internal marker ever reaches the user.
source "$(dirname "$0")/lib.bash"
export GUESTPLUG_PLUGIN_PATH=$ROOT/$BUILD/tests/plugins
tests_dir=$ROOT/$BUILD/guest/x86_64/tests

# run NAME WANT_STATUS ARGS...: guestplug run, output in $WORK/NAME.
run() {
    local name=$1 want=$2 status=0
    shift 2
    timeout 300 "$GUESTPLUG" run -g x86_64 "$@" >"$WORK/$name" 2>&1 || status=$?
    echo "=== $name: exit status $status"
    cat "$WORK/$name"
    [ "$status" -eq "$want" ] || fail "$name: exit status $status, want $want"
    ! grep -q '<gp:' "$WORK/$name" || fail "$name: the runner's marker reached the user"
}
count_re='^Guest `/etc` file count: [0-9]+$'

# -t 200 would give 124 if the run only ended at its timeout.
run tutorial 0 -p tutorial_count -t 200
grep -qE "$count_re" "$WORK/tutorial" || fail "tutorial: no count"
! grep -qi 'timeout\|did not finish' "$WORK/tutorial" || fail "tutorial: ended by a timeout"

run short_command 0 -p tutorial_count -c true
grep -qE "$count_re" "$WORK/short_command" || fail "-c true lost the count"

# A command that never returns (PANDA's `cat`) runs into -t: status 124,
# and the second one is not typed after it.
run cat_cat 124 -p tutorial_count -c cat -c cat -t 8
expect_contains "$WORK/cat_cat" "guestplug: guest command 'cat' did not finish within 8 s"

run false_command 1 -c false -c 'echo after'
expect_contains "$WORK/false_command" "guestplug: guest command 'false' exited with status 1"
expect_contains "$WORK/false_command" "after"
run status_7 7 -c '(exit 7)'
expect_contains "$WORK/status_7" "guestplug: guest command '(exit 7)' exited with status 7"

run crash 1 -p "inject_test:dir=$tests_dir,plugins=crash"
expect_contains "$WORK/crash" "guestplug: guest plugin crash was killed by signal 11"
run missing_guest_plugin 1 -p inject_test:plugins=does_not_exist -c 'echo alive'
expect_contains "$WORK/missing_guest_plugin" "guestplug: guest plugin does_not_exist could not be started: it has not been built"
expect_contains "$WORK/missing_guest_plugin" "alive"

# Plugin arguments: malformed ones are refused before QEMU starts; values
# keep quoted and escaped commas; a key the plugin never reads is an error.
run bare_arg 2 -p guest_plugin_example:badarg
expect_contains "$WORK/bare_arg" "argument 'badarg' of host plugin guest_plugin_example is not key=value"
run split_arg 2 -p hello:greeting=a,b
expect_contains "$WORK/split_arg" "argument 'b' of host plugin hello is not key=value"
run quoted_arg 0 -p 'hello:greeting="a, b=c"' -c true
expect_contains "$WORK/quoted_arg" "(greeting=a, b=c)"
run escaped_arg 0 -p 'hello:greeting=x\,y' -c true
expect_contains "$WORK/escaped_arg" "(greeting=x,y)"
run unread_arg 1 -p guest_plugin_example:greeting=hi
expect_contains "$WORK/unread_arg" "Fatal error: host plugin guest_plugin_example has no argument 'greeting' (its gp_plugin_init reads no arguments)"
! grep -q 'deprecated' "$WORK"/*_arg || fail "QEMU printed a deprecation warning"

# After a command that timed out, the next one's output is clean.
cat >"$WORK/resync.py" <<'PY'
from guestplug import Panda, GuestplugError
panda = Panda(generic="x86_64")

@panda.queue_blocking
def go():
    panda.revert_sync("root")
    try:
        panda.run_serial_cmd("sleep 30; echo late", timeout=2)
    except GuestplugError as error:
        print("timed out:", error)
    print("next:", repr(panda.run_serial_cmd("echo clean")))
    panda.end_analysis()

panda.run()
PY
PYTHONPATH=$ROOT/python GUESTPLUG_RUN_LIB=$ROOT/$BUILD/lib/libguestplug-run.so timeout 120 python3 "$WORK/resync.py" >"$WORK/resync" 2>&1 || { cat "$WORK/resync"; fail "resync.py failed"; }
cat "$WORK/resync"
expect_contains "$WORK/resync" "timed out: guest command 'sleep 30; echo late' did not finish within 2 s"
expect_contains "$WORK/resync" "next: 'clean'"
! grep -q '<gp:' "$WORK/resync" || fail "resync: the runner's marker reached the user"
