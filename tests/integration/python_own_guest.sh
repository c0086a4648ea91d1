# SPDX-License-Identifier: GPL-2.0-or-later
# The Python front on your own guest, as pypanda takes one: Panda(arch=,
# qcow=, mem=, expect_prompt=, extra_args=). The guest is the generic x86_64
# image's kernel, initrd and a copy of its qcow2 (which holds 'root'), run as
# an own guest. Covers a missing first snapshot, a cold boot to a
# pypanda-style prompt, run_monitor_cmd (savevm, "info snapshots", HMP
# errors), a run whose first action is revert_sync(NAME) starting QEMU from
# NAME, and a guest plugin.
source "$(dirname "$0")/lib.bash"
export PYTHONPATH=$ROOT/python GUESTPLUG_RUN_LIB=$ROOT/$BUILD/lib/libguestplug-run.so
image_dir=$("$GUESTPLUG" image path x86_64)
cp "$image_dir/disk.qcow2" "$WORK/own.qcow2"
export IMAGE_DIR=$image_dir OWN_QCOW=$WORK/own.qcow2

# Cold boot: extra_args as one string (shlex keeps the quoted -append whole),
# a prompt written the pypanda way (it stops before the prompt's last space).
cat >"$WORK/cold.py" <<'PY'
import os
from guestplug import Panda, GuestplugError

image = os.environ["IMAGE_DIR"]
panda = Panda(arch="x86_64", qcow=os.environ["OWN_QCOW"], mem="256M",
              expect_prompt=r"root@guestplug:.*#",
              extra_args="-M pc -cpu qemu64 -kernel %s/vmlinuz -initrd %s/initrd.gz "
                         "-append 'console=ttyS0 panic=-1 quiet'" % (image, image))

@panda.queue_blocking
def cold():
    # As the first action a missing snapshot fails cleanly; the run goes on
    # with a cold boot.
    try:
        panda.revert_sync("nosuch")
        print("no error from revert_sync")
    except GuestplugError as error:
        print("revert error:", error)
    print("echo:", panda.run_serial_cmd("echo cold-$((6*7))").strip())
    panda.run_serial_cmd("echo saved-state > /tmp/state")
    print("savevm: [%s]" % panda.run_monitor_cmd("savevm mine"))
    print(panda.run_monitor_cmd("info snapshots"))
    for bad in ("nosuchcommand", "loadvm nosuch"):
        try:
            panda.run_monitor_cmd(bad)
            print("no error from", bad)
        except GuestplugError as error:
            print("monitor error:", error)
    # A failed loadvm stops QEMU's vCPUs; the guest must run on regardless.
    print("after:", panda.run_serial_cmd("echo still-$((1+1))", timeout=30).strip())
    panda.end_analysis()

panda.run()
print("cold done")
PY
status=0
timeout 400 python3 "$WORK/cold.py" >"$WORK/cold" 2>&1 || status=$?
cat "$WORK/cold"
[ "$status" -eq 0 ] || fail "cold.py exited $status"
expect_contains "$WORK/cold" "revert error: "
grep -q "^revert error: .*'nosuch'" "$WORK/cold" || fail "the revert error does not name the snapshot"
expect_contains "$WORK/cold" "echo: cold-42"
expect_contains "$WORK/cold" "savevm: []"
grep -qE '^--? +root ' "$WORK/cold" || fail "info snapshots does not list root"
grep -qE '^--? +mine ' "$WORK/cold" || fail "info snapshots does not list mine"
expect_contains "$WORK/cold" \
    "monitor error: HMP command 'nosuchcommand' failed: unknown command: 'nosuchcommand'"
expect_contains "$WORK/cold" "monitor error: HMP command 'loadvm nosuch' failed: Error: "
! grep -q "no error from" "$WORK/cold" || fail "an HMP error passed as output"
expect_contains "$WORK/cold" "after: still-2"
expect_contains "$WORK/cold" "cold done"

# revert_sync first: QEMU starts from 'mine' (GUESTPLUG_SHOW_QEMU prints its
# command line), with what the cold run saved; extra_args as a list.
cat >"$WORK/snap.py" <<'PY'
import os
from guestplug import Panda

image = os.environ["IMAGE_DIR"]
panda = Panda(arch="x86_64", qcow=os.environ["OWN_QCOW"], mem="256M",
              expect_prompt=r"root@guestplug:.*#",
              extra_args=["-M", "pc", "-cpu", "qemu64", "-kernel", image + "/vmlinuz",
                          "-initrd", image + "/initrd.gz",
                          "-append", "console=ttyS0 panic=-1 quiet"])

@panda.queue_blocking
def snap():
    panda.revert_sync("mine")
    print("state:", panda.run_serial_cmd("head -n 1 /tmp/state").strip())
    panda.end_analysis()

panda.run()
PY
status=0
GUESTPLUG_SHOW_QEMU=1 timeout 120 python3 "$WORK/snap.py" >"$WORK/snap" 2>&1 || status=$?
cat "$WORK/snap"
[ "$status" -eq 0 ] || fail "snap.py exited $status"
expect_contains "$WORK/snap" "state: saved-state"
expect_contains "$WORK/snap" "-loadvm mine"

# A guest plugin in the own guest: the seed's shape, status 0 and its count.
cat >"$WORK/plugin.py" <<'PY'
import os
from guestplug import Panda

image = os.environ["IMAGE_DIR"]
panda = Panda(arch="x86_64", qcow=os.environ["OWN_QCOW"], mem="256M",
              extra_args=["-M", "pc", "-cpu", "qemu64", "-kernel", image + "/vmlinuz",
                          "-initrd", image + "/initrd.gz"])
panda.load_plugin("guest_plugin_example")

@panda.queue_blocking
def run_cmd():
    panda.revert_sync("root")
    panda.run_serial_cmd("cat", no_timeout=True)
    panda.run_serial_cmd("cat", no_timeout=True)
    panda.end_analysis()

panda.run()
PY
status=0
timeout 120 python3 "$WORK/plugin.py" >"$WORK/plugin" 2>&1 || status=$?
cat "$WORK/plugin"
[ "$status" -eq 0 ] || fail "plugin.py exited $status"
grep -qE '^Guest `/etc` file count: [0-9]+$' "$WORK/plugin" || fail "no count from the own guest"
