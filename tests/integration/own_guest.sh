# SPDX-License-Identifier: GPL-2.0-or-later
# Users bring their own guests: kernel, initrd, disk (qcow2 and raw), kernel
# command line, machine options and a prompt; --snapshot works on their qcow2.
source "$(dirname "$0")/lib.bash"
image_dir=$("$GUESTPLUG" image path x86_64)
kernel=$image_dir/vmlinuz initrd=$image_dir/initrd.gz
prompt='root@guestplug:[^\n]*# $'

# A qcow2 the guest sees, with a snapshot saved and restored via the C API.
truncate -s 16M "$WORK/raw.img"
"$GUESTPLUG" qemu img create -q -f qcow2 "$WORK/own.qcow2" 64M
"$ROOT/$BUILD/tests/integration/vm_api" own-guest "$kernel" "$initrd" "$WORK/own.qcow2" "$prompt"

# The CLI: cold boot with a raw disk attached, extra QEMU arguments.
"$GUESTPLUG" run -a x86_64 -M pc --kernel "$kernel" --initrd "$initrd" \
    --append 'console=ttyS0 panic=-1 quiet' --disk "$WORK/raw.img" --memory 320 \
    --qemu-arg=-smp --qemu-arg=1 --prompt "$prompt" -c 'uname -m' -c 'free -m | head -n 2' \
    >"$WORK/cold"
cat "$WORK/cold"
expect_contains "$WORK/cold" "x86_64"

# The CLI: --snapshot NAME on the user's qcow2 (saved above by vm_api).
"$GUESTPLUG" run -a x86_64 -M pc --kernel "$kernel" --initrd "$initrd" \
    --append 'console=ttyS0 panic=-1 quiet' --disk "$WORK/own.qcow2" --snapshot mine \
    --prompt "$prompt" -c 'cat /tmp/state' >"$WORK/snap"
cat "$WORK/snap"
expect_contains "$WORK/snap" "saved-state"
