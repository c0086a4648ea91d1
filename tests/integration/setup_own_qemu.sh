# SPDX-License-Identifier: GPL-2.0-or-later
# GUESTPLUG_QEMU names a user's own QEMU build. scripts/setup and the runner
# accept it when it is of the supported series and loads a plugin of our API,
# use it before any other QEMU, and otherwise fail (status 1) saying what was
# found, what is supported and what to do -- never falling back silently.
source "$(dirname "$0")/lib.bash"
setup=$ROOT/scripts/setup
user_cache=${XDG_CACHE_HOME:-$HOME/.cache} # where the QEMU the wrappers run lives
export XDG_CACHE_HOME=$WORK/cache # setup must not touch the real cache

expect_failure() { # NAME TEXT COMMAND...
    local name=$1 text=$2; shift 2
    local status=0
    "$@" >"$WORK/$name" 2>&1 || status=$?
    cat "$WORK/$name"
    [ "$status" -eq 1 ] || fail "$name: exit status $status, expected 1"
    expect_contains "$WORK/$name" "$text"
}

# A QEMU of the wrong series: a script that only knows --version.
mkdir -p "$WORK/qemu-11.2"
printf '#!/bin/sh\necho "QEMU emulator version 11.2.0"\n' >"$WORK/qemu-11.2/qemu-system-x86_64"
chmod +x "$WORK/qemu-11.2/qemu-system-x86_64"
wrong=$WORK/qemu-11.2/qemu-system-x86_64
expect_failure setup-wrong-version \
    "GUESTPLUG_QEMU=$wrong is QEMU 11.2.0; guestplug supports QEMU 11.1.x only" \
    env GUESTPLUG_QEMU="$wrong" "$setup"
expect_contains "$WORK/setup-wrong-version" "fix: point GUESTPLUG_QEMU at a QEMU 11.1.x build"
[ ! -e "$XDG_CACHE_HOME/guestplug/qemu" ] || fail "setup provisioned QEMU despite GUESTPLUG_QEMU"
expect_failure runner-wrong-version \
    "GUESTPLUG_QEMU=$wrong is QEMU 11.2.0; guestplug supports QEMU 11.1.x only" \
    env GUESTPLUG_QEMU="$wrong" "$GUESTPLUG" qemu x86_64 --version
expect_contains "$WORK/runner-wrong-version" "Fix: point GUESTPLUG_QEMU at a QEMU 11.1.x build"
expect_failure setup-not-a-file "GUESTPLUG_QEMU=$WORK/nothing is not an executable file" \
    env GUESTPLUG_QEMU="$WORK/nothing" "$setup"
expect_failure runner-not-a-file "GUESTPLUG_QEMU=$WORK/nothing is not an executable file" \
    env GUESTPLUG_QEMU="$WORK/nothing" "$GUESTPLUG" qemu x86_64 --version

# An own build of the right series: wrappers around the QEMU guestplug found
# (system or private root), each logging that it ran.
real_qemu_dir=$WORK/own
mkdir -p "$real_qemu_dir"
for target in x86_64 i386 img; do
    name=qemu-system-$target
    [ $target = img ] && name=qemu-img
    cat >"$real_qemu_dir/$name" <<WRAPPER
#!/bin/sh
echo "$name" >>"$WORK/own-ran"
exec env -u GUESTPLUG_QEMU XDG_CACHE_HOME="$user_cache" "$GUESTPLUG" qemu $target "\$@"
WRAPPER
    chmod +x "$real_qemu_dir/$name"
done
own=$real_qemu_dir/qemu-system-x86_64
GUESTPLUG_QEMU=$own "$setup" >"$WORK/setup-own" 2>&1 || { cat "$WORK/setup-own"; fail "setup refused $own"; }
cat "$WORK/setup-own"
expect_contains "$WORK/setup-own" "GUESTPLUG_QEMU=$own, QEMU 11.1."
expect_contains "$WORK/setup-own" "loads plugin API 7"
expect_contains "$WORK/setup-own" "other targets beside it: i386"
[ ! -e "$XDG_CACHE_HOME/guestplug/qemu" ] || fail "setup provisioned QEMU despite GUESTPLUG_QEMU"

# The runner uses it first, and libguestplug.so loads into it.
rm -f "$WORK/own-ran"
make_exit_bios "$WORK/bios.bin" 0x31
status=0
GUESTPLUG_QEMU=$own run_bare_x86 "$WORK/bios.bin" -plugin "file=$CORE,verbose=on" \
    >"$WORK/run-own" 2>&1 || status=$?
cat "$WORK/run-own"
[ "$status" -eq 99 ] || fail "QEMU exit status $status through GUESTPLUG_QEMU, expected 99"
expect_contains "$WORK/run-own" "guestplug: core loaded into QEMU (target x86_64, plugin API 7"
grep -qx qemu-system-x86_64 "$WORK/own-ran" || fail "the runner did not run GUESTPLUG_QEMU"

# A target that is not beside it.
expect_failure runner-missing-target "there is no qemu-system-mipsel beside it in $real_qemu_dir" \
    env GUESTPLUG_QEMU="$own" "$GUESTPLUG" qemu mipsel --version

# A plugin API the QEMU does not speak (as if core/qemu/supported said 8).
expect_failure setup-wrong-api "does not load a TCG plugin of API" \
    env GUESTPLUG_QEMU="$own" GP_QEMU_PLUGIN_API=8 "$setup"
expect_contains "$WORK/setup-wrong-api" "plugin requires API version 8"
