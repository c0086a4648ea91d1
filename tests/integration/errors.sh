# SPDX-License-Identifier: GPL-2.0-or-later
# Every failure names its cause: QEMU missing, prompt not seen within N s
# (with the last console lines), snapshot missing, bad usage.
source "$(dirname "$0")/lib.bash"
image_dir=$("$GUESTPLUG" image path x86_64)

expect_failure() { # NAME TEXT COMMAND...
    local name=$1 text=$2; shift 2
    local status=0
    "$@" >"$WORK/$name" 2>&1 || status=$?
    cat "$WORK/$name"
    [ "$status" -ne 0 ] && [ "$status" -lt 128 ] || fail "$name: exit status $status"
    expect_contains "$WORK/$name" "$text"
}

# QEMU missing: no system QEMU on PATH and an empty cache.
expect_failure qemu-missing "QEMU 11.1 with qemu-system-x86_64 not found" \
    env PATH=/usr/bin:/bin XDG_CACHE_HOME="$WORK/empty-cache" GUESTPLUG_QEMU_ROOT= \
    "$GUESTPLUG" run -g x86_64 -c true
expect_contains "$WORK/qemu-missing" "scripts/setup"

# Prompt never seen: our own guest with a prompt pattern that cannot match.
expect_failure prompt-timeout "not seen within 5 s; last console output:" \
    "$GUESTPLUG" run -a x86_64 -M pc --kernel "$image_dir/vmlinuz" \
    --initrd "$image_dir/initrd.gz" --append 'console=ttyS0 panic=-1 quiet' \
    --prompt 'NEVER-MATCHES' --boot-timeout 5 -c true

# Snapshot missing.
expect_failure snapshot-missing "no_such_snapshot" \
    "$GUESTPLUG" run -g x86_64 --snapshot no_such_snapshot -c true

# Usage errors.
expect_failure unknown-arch "no generic image for architecture 'sparc'" \
    "$GUESTPLUG" run -g sparc -c true
expect_failure unknown-verb "unknown verb 'frobnicate'" "$GUESTPLUG" frobnicate
expect_failure command-timeout "not seen within 2 s" \
    "$GUESTPLUG" run -g x86_64 -t 2 -c 'sleep 30'
