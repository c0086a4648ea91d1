# SPDX-License-Identifier: GPL-2.0-or-later
# The debian userland of the generic x86_64 image (--userland debian):
# Debian bookworm with systemd as init on an ext4 root disk. Builds the image
# on first use (about 2 minutes with the downloads, then 30-40 s for the
# first boot that saves 'root'); after that the test takes about a minute,
# most of it one cold boot. Serial commands run and return their status
# from the snapshot and from a cold boot, each run on a private disk that
# leaves the cached image as it was; the C API's setter (through Python)
# and the command line refuse what does not exist.
source "$(dirname "$0")/lib.bash"
debian=(-g x86_64 --userland debian)

start=$SECONDS
"$GUESTPLUG" image build x86_64 --userland debian 2>&1 | tee "$WORK/build" ||
    fail "image build x86_64 --userland debian"
echo "image ready after $((SECONDS - start)) s"
image_dir=$("$GUESTPLUG" image path x86_64 --userland debian)
[[ $image_dir == */images/x86_64-debian ]] || fail "image path is '$image_dir'"
for file in vmlinuz initrd.img rootfs.qcow2 disk.qcow2 packages.txt; do
    [ -s "$image_dir/$file" ] || fail "the image has no $file"
done
grep -q '^systemd-sysv ' "$image_dir/packages.txt" || fail "packages.txt lists no systemd-sysv"
grep -q '^linux-image-6' "$image_dir/packages.txt" || fail "packages.txt lists no kernel"
"$GUESTPLUG" snapshot list --disk "$image_dir/disk.qcow2" >"$WORK/snapshots"
grep -q '^root ' "$WORK/snapshots" || fail "disk.qcow2 holds no snapshot root"
disk_sum=$(md5sum <"$image_dir/disk.qcow2")
root_sum=$(md5sum <"$image_dir/rootfs.qcow2")

expect_status() { # WANT NAME COMMAND...: runs COMMAND, output in $WORK/NAME
    local want=$1 name=$2; shift 2
    local status=0 began=$SECONDS
    "$@" >"$WORK/$name" 2>&1 || status=$?
    cat "$WORK/$name"
    echo "($name: status $status after $((SECONDS - began)) s)"
    [ "$status" -eq "$want" ] || fail "$name: exit status $status, want $want"
}
expect_line() { # FILE LINE: LINE is one whole line of FILE
    grep -qxF -- "$2" "$1" || { cat "$1"; fail "expected the line '$2' in $1"; }
}

# From the snapshot: systemd is PID 1 and has finished starting, root is the
# virtio disk, a command's status comes back, and the guest writes its disk.
expect_status 3 snapshot "$GUESTPLUG" run "${debian[@]}" -c 'cat /proc/1/comm' \
    -c 'systemctl is-system-running || true' -c 'findmnt -n -o SOURCE,FSTYPE /' \
    -c 'echo "etc: $(ls -A /etc | wc -l)"' -c 'echo written > /root/marker && sync && cat /root/marker' \
    -c 'sh -c "exit 3"'
expect_line "$WORK/snapshot" "systemd"
grep -qxE 'running|degraded' "$WORK/snapshot" || fail "systemctl is-system-running"
expect_line "$WORK/snapshot" "/dev/vda ext4"
expect_line "$WORK/snapshot" "written"
expect_contains "$WORK/snapshot" "guest command 'sh -c \"exit 3\"' exited with status 3"
count=$(sed -n 's/^etc: //p' "$WORK/snapshot")
[[ $count =~ ^[0-9]+$ ]] && [ "$count" -ge 60 ] || fail "/etc has '$count' entries"

# The next run starts from 'root' again: the file written above is gone.
expect_status 1 fresh "$GUESTPLUG" run "${debian[@]}" -c 'test ! -e /root/marker' \
    -c 'cat /root/marker'
expect_contains "$WORK/fresh" "guest command 'cat /root/marker' exited with status 1"

# A cold boot: the initramfs loaded the modules that reach the root disk,
# and systemd comes up by itself.
expect_status 0 cold "$GUESTPLUG" run "${debian[@]}" --cold-boot -c 'cat /proc/1/comm' \
    -c 'systemctl is-system-running --wait || true' \
    -c 'lsmod | grep -oE "^(virtio_blk|ext4) " | sort | tr -d " " | paste -sd,' \
    -c 'test ! -e /root/marker'
expect_line "$WORK/cold" "systemd"
grep -qxE 'running|degraded' "$WORK/cold" || fail "systemctl is-system-running --wait"
expect_line "$WORK/cold" "ext4,virtio_blk"

# No run changed the cached image.
[ "$(md5sum <"$image_dir/disk.qcow2")" = "$disk_sum" ] || fail "a run changed disk.qcow2"
[ "$(md5sum <"$image_dir/rootfs.qcow2")" = "$root_sum" ] || fail "a run changed rootfs.qcow2"

# The C API's gp_vm_set_userland, through the Python front.
export PYTHONPATH=$ROOT/python GUESTPLUG_RUN_LIB=$ROOT/$BUILD/lib/libguestplug-run.so
timeout 120 python3 - >"$WORK/python" 2>&1 <<'PY' || { cat "$WORK/python"; fail "python"; }
from guestplug import Panda, GuestplugError

panda = Panda(generic="x86_64", userland="debian")

@panda.queue_blocking
def commands():
    panda.revert_sync("root")
    print("comm:", panda.run_serial_cmd("cat /proc/1/comm"))
    panda.end_analysis()

panda.run()
for arguments in ({"generic": "aarch64", "userland": "debian"},
                  {"generic": "x86_64", "userland": "nosuch"},
                  {"arch": "x86_64", "qcow": "/nonexistent", "userland": "debian"}):
    try:
        Panda(**arguments)
        print("accepted:", arguments)
    except GuestplugError as error:
        print("refused:", error)
PY
cat "$WORK/python"
expect_line "$WORK/python" "comm: systemd"
expect_contains "$WORK/python" "refused: the debian userland has an image for x86_64 only, not for aarch64"
expect_contains "$WORK/python" "refused: there is no userland 'nosuch' for generic images; choose one of: busybox, debian"
expect_contains "$WORK/python" "userland='debian' without generic="
! grep -q "^accepted:" "$WORK/python" || fail "Panda() accepted a userland it should refuse"

# The command line refuses the same, as usage errors, before building anything.
expect_status 2 bad-name "$GUESTPLUG" run -g x86_64 --userland nosuch -c true
expect_contains "$WORK/bad-name" "there is no userland 'nosuch' for generic images"
expect_status 2 bad-arch "$GUESTPLUG" run -g aarch64 --userland debian -c true
expect_contains "$WORK/bad-arch" "the debian userland has an image for x86_64 only, not for aarch64"
expect_status 2 own-guest "$GUESTPLUG" run -a x86_64 --kernel "$image_dir/vmlinuz" \
    --userland debian -c true
expect_contains "$WORK/own-guest" "--userland chooses the userland of a generic image"
expect_status 2 image-arch "$GUESTPLUG" image build mipsel --userland debian
expect_contains "$WORK/image-arch" "the debian userland has an image for x86_64 only"
