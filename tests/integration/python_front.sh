# SPDX-License-Identifier: GPL-2.0-or-later
# The PANDA-style Python front: the seed's try_it.py shape (queue_blocking,
# revert_sync, run_serial_cmd("cat", no_timeout=True) ended by the host
# plugin, end_analysis, run), serial command output, and errors surfacing as
# GuestplugError with the runner's text; a host plugin that never ends the
# analysis (the seed tutorial's) still lets run() return once its guest plugin
# is done; plugin arguments arrive verbatim.
source "$(dirname "$0")/lib.bash"
export PYTHONPATH=$ROOT/python GUESTPLUG_PLUGIN_PATH=$ROOT/$BUILD/tests/plugins
export GUESTPLUG_RUN_LIB=$ROOT/$BUILD/lib/libguestplug-run.so

cat >"$WORK/try_it.py" <<'PY'
from guestplug import Panda

panda = Panda(generic="x86_64")
panda.load_plugin("guest_plugin_example")

@panda.queue_blocking
def run_cmd():
    panda.revert_sync("root")
    print(panda.run_serial_cmd("cat", no_timeout=True))
    panda.end_analysis()

panda.run()
print("try_it done")
PY
timeout 120 python3 "$WORK/try_it.py" >"$WORK/try_it" 2>&1
cat "$WORK/try_it"
expect_contains "$WORK/try_it" "Guest \`/etc\` file count: "
expect_contains "$WORK/try_it" "try_it done"

cat >"$WORK/api.py" <<'PY'
from guestplug import Panda, GuestplugError

panda = Panda(generic="x86_64")
panda.load_plugin("inject_test", {"plugins": "c_example"})

@panda.queue_blocking
def check():
    panda.revert_sync("root")
    print("etc entries:", panda.run_serial_cmd("ls -A /etc | wc -l", timeout=30).strip())
    panda.run_serial_cmd("sleep 2")
    try:
        panda.revert_sync("no_such_snapshot")
    except GuestplugError as error:
        print("error:", error)
    panda.end_analysis()

panda.run()
PY
timeout 120 python3 "$WORK/api.py" >"$WORK/api" 2>&1
cat "$WORK/api"
count=$(sed -n 's/^etc entries: //p' "$WORK/api")
[[ $count =~ ^[0-9]+$ ]] || fail "no /etc count from run_serial_cmd"
expect_contains "$WORK/api" "inject_test: c_example sent u32 $count"
expect_contains "$WORK/api" "error: loadvm of snapshot 'no_such_snapshot' failed"

# The seed tutorial's host plugin never ends the analysis: run() with nothing
# queued returns by itself once its guest plugin has exited, count printed.
cat >"$WORK/tutorial.py" <<'PY'
from guestplug import Panda

panda = Panda(generic="x86_64")
panda.load_plugin("tutorial_count")
panda.run()
print("tutorial done")
PY
status=0
timeout 120 python3 "$WORK/tutorial.py" >"$WORK/tutorial" 2>&1 || status=$?
cat "$WORK/tutorial"
[ "$status" -eq 0 ] || fail "tutorial.py exited $status, want 0"
grep -qE '^Guest `/etc` file count: [0-9]+$' "$WORK/tutorial" || fail "no count from tutorial_count"
expect_contains "$WORK/tutorial" "tutorial done"

# load_plugin's dict values reach the plugin exactly as given: commas, '=',
# quotes and backslashes included.
cat >"$WORK/args.py" <<'PY'
from guestplug import Panda

panda = Panda(generic="x86_64")
panda.load_plugin("hello", {"greeting": "a,b=c \"q\" 'x' \\ end"})

@panda.queue_blocking
def nothing():
    panda.run_serial_cmd("true")
    panda.end_analysis()

panda.run()
PY
timeout 120 python3 "$WORK/args.py" >"$WORK/args" 2>&1 || { cat "$WORK/args"; fail "args.py failed"; }
cat "$WORK/args"
expect_contains "$WORK/args" "hello from host plugin hello (greeting=a,b=c \"q\" 'x' \\ end)"
