# SPDX-License-Identifier: GPL-2.0-or-later
# `guestplug snapshot save|list|delete` on an own guest (the generic x86_64
# kernel and initrd, booted as a user's own, with a fresh qcow2), and
# --disk-if: IDE is what the guest finds at the primary ATA master, virtio a
# virtio-blk PCI device that becomes /dev/vda once virtio_blk is loaded.
# Two cold boots (one per interface); everything else starts from snapshots.
source "$(dirname "$0")/lib.bash"
image_dir=$("$GUESTPLUG" image path x86_64)
prompt='root@guestplug:[^\n]*# $'
guest=(-a x86_64 --kernel "$image_dir/vmlinuz" --initrd "$image_dir/initrd.gz"
       --append 'console=ttyS0 panic=-1 quiet' --prompt "$prompt")
"$GUESTPLUG" qemu img create -q -f qcow2 "$WORK/ide.qcow2" 64M
ide=("${guest[@]}" --disk "$WORK/ide.qcow2" --disk-if ide)
# Port 0x1f7 is the primary ATA channel's status register: 0x50 (ready)
# when QEMU put a drive there, which Linux's libata would name /dev/sda.
ata_status='echo "ata-status: $(dd if=/dev/port bs=1 skip=503 count=1 2>/dev/null | od -An -tx1 | tr -d " ")"'

expect_status() { # WANT NAME COMMAND...: runs COMMAND, output in $WORK/NAME
    local want=$1 name=$2; shift 2
    local status=0
    "$@" >"$WORK/$name" 2>&1 || status=$?
    cat "$WORK/$name"
    [ "$status" -eq "$want" ] || fail "$name: exit status $status, want $want"
}
expect_absent() { # FILE TEXT
    ! grep -qF -- "$2" "$1" || { cat "$1"; fail "did not expect '$2' in $1"; }
}

# Save from a cold boot, after a command that changes the guest.
expect_status 0 save-base "$GUESTPLUG" snapshot save base "${ide[@]}" \
    -c 'echo saved-state > /tmp/marker'
expect_contains "$WORK/save-base" "snapshot 'base' saved on $WORK/ide.qcow2"
expect_status 0 list-base "$GUESTPLUG" snapshot list --disk "$WORK/ide.qcow2"
grep -q '^base ' "$WORK/list-base" || fail "snapshot list does not show base"

# The state was saved: /tmp lives in the initramfs, so only the snapshot
# can bring the marker back. The disk is the IDE primary master.
expect_status 0 run-base "$GUESTPLUG" run "${ide[@]}" --snapshot base -c 'cat /tmp/marker' \
    -c "$ata_status"
expect_contains "$WORK/run-base" "saved-state"
expect_contains "$WORK/run-base" "ata-status: 50"

# A failing command aborts with its status and saves nothing.
expect_status 3 save-failing "$GUESTPLUG" snapshot save never "${ide[@]}" --snapshot base \
    -c 'true' -c 'sh -c "exit 3"'
expect_contains "$WORK/save-failing" \
    "guest command 'sh -c \"exit 3\"' exited with status 3; snapshot 'never' not saved"

# A snapshot saved from another one keeps the state it started from.
expect_status 0 save-second "$GUESTPLUG" snapshot save second "${ide[@]}" --snapshot base \
    -c 'echo second-state >> /tmp/marker'
expect_status 0 list-two "$GUESTPLUG" snapshot list --disk "$WORK/ide.qcow2"
grep -q '^base ' "$WORK/list-two" && grep -q '^second ' "$WORK/list-two" ||
    fail "snapshot list does not show base and second"
expect_absent "$WORK/list-two" "never"
expect_status 0 run-second "$GUESTPLUG" run "${ide[@]}" --snapshot second -c 'cat /tmp/marker'
expect_contains "$WORK/run-second" "saved-state"
expect_contains "$WORK/run-second" "second-state"

# Delete, then the errors that name what is there.
expect_status 0 delete-base "$GUESTPLUG" snapshot delete base --disk "$WORK/ide.qcow2"
expect_contains "$WORK/delete-base" "snapshot 'base' deleted from $WORK/ide.qcow2"
expect_status 0 list-one "$GUESTPLUG" snapshot list --disk "$WORK/ide.qcow2"
expect_absent "$WORK/list-one" "base"
expect_status 1 delete-missing "$GUESTPLUG" snapshot delete base --disk "$WORK/ide.qcow2"
expect_contains "$WORK/delete-missing" \
    "snapshot 'base' is not on $WORK/ide.qcow2; it has: second"
expect_status 1 run-missing "$GUESTPLUG" run "${ide[@]}" --snapshot base -c true
expect_contains "$WORK/run-missing" "snapshot 'base' is not on $WORK/ide.qcow2; it has: second"
"$GUESTPLUG" qemu img create -q -f qcow2 "$WORK/empty.qcow2" 16M
expect_status 0 list-empty "$GUESTPLUG" snapshot list --disk "$WORK/empty.qcow2"
expect_contains "$WORK/list-empty" "$WORK/empty.qcow2 has no snapshots"

# Usage errors exit 2, a disk that cannot hold snapshots 1.
truncate -s 16M "$WORK/raw.img"
expect_status 1 save-raw "$GUESTPLUG" snapshot save x "${guest[@]}" --disk "$WORK/raw.img"
expect_contains "$WORK/save-raw" "saving a snapshot needs a qcow2 disk, and $WORK/raw.img is raw"
expect_contains "$WORK/save-raw" \
    "guestplug qemu img convert -O qcow2 $WORK/raw.img $WORK/raw.qcow2"
expect_status 2 save-no-disk "$GUESTPLUG" snapshot save x "${guest[@]}"
expect_contains "$WORK/save-no-disk" "give --disk FILE.qcow2"
expect_status 2 save-no-name "$GUESTPLUG" snapshot save "${ide[@]}"
expect_contains "$WORK/save-no-name" "name the snapshot to save"
expect_status 2 bad-disk-if "$GUESTPLUG" run "${ide[@]}" --disk-if scsi -c true
expect_contains "$WORK/bad-disk-if" "--disk-if takes ide (the guest sees /dev/sda) or virtio"
expect_status 2 list-no-disk "$GUESTPLUG" snapshot list
expect_status 2 unknown-action "$GUESTPLUG" snapshot frob
expect_contains "$WORK/unknown-action" "unknown snapshot action 'frob'"

# virtio: save with it, then load with it. The guest sees a virtio-blk PCI
# device (1af4:1001); the generic kernel has virtio_blk only as a module,
# which this test takes from the kernel package the image was built from.
"$GUESTPLUG" qemu img create -q -f qcow2 "$WORK/virtio.qcow2" 64M
virtio=("${guest[@]}" --disk "$WORK/virtio.qcow2" --disk-if virtio)
expect_status 0 save-virtio "$GUESTPLUG" snapshot save ready "${virtio[@]}"
kernel_package=$(awk '/^linux-image-/ { print $1 "_" $2; exit }' "$image_dir/packages.txt")
kernel_deb=$(ls "${XDG_CACHE_HOME:-$HOME/.cache}"/guestplug/apt/amd64/debs/"$kernel_package"_*.deb \
             2>/dev/null | head -n 1 || true)
modules="virtio virtio_ring virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk"
copies=() load=true
if [ -n "$kernel_deb" ]; then
    mkdir "$WORK/modules"
    dpkg-deb --fsys-tarfile "$kernel_deb" |
        tar -x -C "$WORK/modules" --wildcards '*/drivers/virtio/*.ko' '*/drivers/block/virtio_blk.ko'
    for module in $modules; do
        copies+=(--copy "$(find "$WORK/modules" -name "$module.ko"):/tmp/$module.ko")
    done
    load="for m in $modules; do insmod /tmp/\$m.ko || exit 1; done"
else
    echo "NOTE: no $kernel_package .deb in the apt cache; not loading virtio_blk"
fi
expect_status 0 run-virtio "$GUESTPLUG" run "${virtio[@]}" --snapshot ready "${copies[@]}" \
    -c 'cat /sys/bus/pci/devices/*/vendor /sys/bus/pci/devices/*/device | tr "\n" " "' \
    -c "$load" -c 'if [ -e /sys/block/vda ]; then cat /sys/block/vda/size; fi' \
    -c "$ata_status"
grep -q '0x1af4.*0x1001' "$WORK/run-virtio" || fail "no virtio-blk PCI device in the guest"
expect_contains "$WORK/run-virtio" "ata-status: 00" # no IDE drive
if [ -n "$kernel_deb" ]; then
    expect_contains "$WORK/run-virtio" "131072" # /dev/vda: 64 MiB in 512-byte sectors
fi
