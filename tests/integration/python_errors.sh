# SPDX-License-Identifier: GPL-2.0-or-later
# Errors in the Python front: each failure raises once, with the runner's
# message, in the thread that made the call; run() lets an exception from a
# queued function out once, unchanged, after shutting QEMU down (nothing left
# in TMPDIR); an unknown host plugin fails at load_plugin, before QEMU starts;
# unknown and unsupported Panda() arguments are named; a finished Panda
# refuses further calls instead of crashing.
source "$(dirname "$0")/lib.bash"
export PYTHONPATH=$ROOT/python GUESTPLUG_RUN_LIB=$ROOT/$BUILD/lib/libguestplug-run.so
export GUESTPLUG_PLUGIN_PATH=$ROOT/$BUILD/tests/plugins
mkdir -p "$WORK/tmp"

run_py() { # NAME SECONDS: runs $WORK/NAME.py, output in $WORK/NAME, sets $status
    status=0
    TMPDIR=$WORK/tmp GUESTPLUG_SHOW_QEMU=1 timeout "$2" python3 "$WORK/$1.py" \
        >"$WORK/$1" 2>&1 || status=$?
    cat "$WORK/$1"
    echo "($1: exit status $status)"
    [ "$status" -ne 124 ] || fail "$1.py did not finish within $2 s"
}
once() { # FILE TEXT: TEXT is on exactly one line of FILE
    local n
    n=$(grep -cF -- "$2" "$1" || true)
    [ "$n" -eq 1 ] || { cat "$1"; fail "'$2' is on $n lines of $1, want exactly 1"; }
}
no_leftovers() { # NAME
    [ -z "$(ls -A "$WORK/tmp")" ] || { ls -la "$WORK/tmp"; fail "$1 left files in TMPDIR"; }
}

# An unknown host plugin: GuestplugError at load_plugin, once, with the paths
# searched; QEMU never starts (GUESTPLUG_SHOW_QEMU would print its command).
cat >"$WORK/plugin.py" <<'PY'
from guestplug import Panda

panda = Panda(generic="x86_64")
panda.load_plugin("no_such_plugin")
print("load_plugin returned")
panda.run()
PY
run_py plugin 60
[ "$status" -eq 1 ] || fail "plugin.py exited $status, want 1"
once "$WORK/plugin" "guestplug.GuestplugError: could not find path for plugin no_such_plugin"
once "$WORK/plugin" "could not find path for plugin"
expect_contains "$WORK/plugin" "$ROOT/$BUILD/tests/plugins/no_such_plugin.so"
! grep -q "load_plugin returned" "$WORK/plugin" || fail "load_plugin did not raise"
! grep -q "qemu-system-" "$WORK/plugin" || fail "QEMU was started for a missing plugin"
no_leftovers plugin

# A queued function's GuestplugError, not caught: out of run() once, the
# next queued function never runs, QEMU is shut down and cleaned up.
cat >"$WORK/queued.py" <<'PY'
from guestplug import Panda

panda = Panda(generic="x86_64")

@panda.queue_blocking
def first():
    panda.revert_sync("root")
    print("first ran")
    panda.revert_sync("no_such_snapshot")

@panda.queue_blocking
def second():
    print("second ran")

panda.run()
print("run returned")
PY
run_py queued 120
[ "$status" -eq 1 ] || fail "queued.py exited $status, want 1"
expect_contains "$WORK/queued" "first ran"
once "$WORK/queued" "loadvm of snapshot 'no_such_snapshot' failed"
once "$WORK/queued" "Traceback (most recent call last)"
! grep -qE "second ran|run returned" "$WORK/queued" || fail "the run went on after the error"
no_leftovers queued

# Any exception from a queued function comes out of run() as itself, once;
# another thread's failing call raises in that thread, where it is caught.
cat >"$WORK/other.py" <<'PY'
import threading
from guestplug import Panda, GuestplugError

panda = Panda(generic="x86_64")
caught = []

def in_thread():
    try:
        panda.load_plugin("no_such_plugin")
    except GuestplugError as error:
        caught.append((threading.current_thread().name, str(error).splitlines()[0]))

worker = threading.Thread(target=in_thread, name="worker")
worker.start()
worker.join()
print("caught in:", caught)

@panda.queue_blocking
def fails():
    try:
        panda.revert_sync("no_such_snapshot")
    except GuestplugError as error:
        print("caught:", error)
    print("etc:", panda.run_serial_cmd("ls -A /etc | wc -l").strip())
    raise ValueError("boom-42")

try:
    panda.run()
except ValueError as error:
    print("run raised:", repr(error))
try:
    panda.run_serial_cmd("true")
except GuestplugError as error:
    print("after run:", error)
PY
run_py other 120
[ "$status" -eq 0 ] || fail "other.py exited $status, want 0"
expect_contains "$WORK/other" \
    "caught in: [('worker', 'could not find path for plugin no_such_plugin')]"
once "$WORK/other" "caught: loadvm of snapshot 'no_such_snapshot' failed"
grep -qE '^etc: [0-9]+$' "$WORK/other" || fail "the queued function did not go on"
once "$WORK/other" "boom-42"
expect_contains "$WORK/other" "run raised: ValueError('boom-42')"
expect_contains "$WORK/other" "after run: cannot run a serial command: this Panda's run is over"
no_leftovers other

# Panda() arguments: unknown ones are a TypeError naming them, pypanda ones
# guestplug cannot honour a GuestplugError naming them; neither needs QEMU.
cat >"$WORK/args.py" <<'PY'
from guestplug import Panda, GuestplugError

cases = [
    dict(generic="x86_64", bogus=1, other=2),
    dict(generic="x86_64", raw_monitor=True, libpanda_path="/x/libpanda.so"),
    dict(generic="x86_64", qcow="/x.qcow2"),
    dict(generic="nosuch"),
    dict(arch="sparc64", qcow="/etc/hostname"),
    dict(arch="x86_64", qcow="/etc/hostname", serial_kwargs={"logfile_base": "/tmp/l"}),
    dict(arch="x86_64", qcow="/no/such.qcow2"),
    dict(arch="x86_64"),
]
for kwargs in cases:
    try:
        Panda(**kwargs)
        print("accepted:", kwargs)
    except (TypeError, GuestplugError) as error:
        print("%s: %s" % (type(error).__name__, error))
panda = Panda(generic="x86_64")
for bad in (0, -1, "5"):
    try:
        panda.run_serial_cmd("true", timeout=bad)
    except ValueError as error:
        print("ValueError:", error)
PY
run_py args 30
[ "$status" -eq 0 ] || fail "args.py exited $status, want 0"
! grep -q "^accepted:" "$WORK/args" || fail "a bad Panda() was accepted"
expect_contains "$WORK/args" "TypeError: Panda() got unexpected keyword arguments 'bogus', 'other'"
expect_contains "$WORK/args" "GuestplugError: Panda(): not supported by guestplug: raw_monitor=True"
expect_contains "$WORK/args" "libpanda_path (guestplug runs an unmodified QEMU"
expect_contains "$WORK/args" "qcow= together with generic="
expect_contains "$WORK/args" "GuestplugError: there is no generic image for architecture 'nosuch'; choose one of: x86_64"
expect_contains "$WORK/args" "arch='sparc64' (pypanda's architecture names:"
expect_contains "$WORK/args" "serial_kwargs['logfile_base']='/tmp/l'"
expect_contains "$WORK/args" "GuestplugError: disk image '/no/such.qcow2' does not exist or is not a file"
expect_contains "$WORK/args" "GuestplugError: Panda(arch='x86_64') needs something to boot"
[ "$(grep -c '^ValueError: timeout must be a number of seconds' "$WORK/args")" -eq 3 ] ||
    fail "bad timeouts were not all refused"
! grep -q "guestplug: there is no generic image" "$WORK/args" || fail "the runner printed an error too"
no_leftovers args
