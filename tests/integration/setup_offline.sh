# SPDX-License-Identifier: GPL-2.0-or-later
# A machine that once provisioned QEMU provisions it again offline: with the
# archive unreachable, scripts/setup builds the private root from the .debs it
# cached, says so, and the runner runs that QEMU. Without cached .debs it
# fails (status 1) saying what to do.
source "$(dirname "$0")/lib.bash"
setup=$ROOT/scripts/setup
offline_mirror=http://127.0.0.1:9/ # nothing listens on the discard port
user_debs=${XDG_CACHE_HOME:-$HOME/.cache}/guestplug/qemu/debs

# The .debs of an earlier provisioning: the user's own cache's, or those of
# a provisioning made here and now from the archive.
seed=$user_debs
if [ ! -f "$seed/qemu-version" ]; then
    echo "no cached .debs in $seed: provisioning online first"
    XDG_CACHE_HOME=$WORK/online "$setup" --reprovision ||
        fail "online provisioning failed: the offline path needs one earlier provisioning"
    seed=$WORK/online/guestplug/qemu/debs
fi
version=$(cat "$seed/qemu-version")
cache=$WORK/cache
mkdir -p "$cache/guestplug/qemu"
# Hard links keep this cheap; the index files are copied, so that nothing
# written here can reach the seed.
cp -al "$seed" "$cache/guestplug/qemu/debs" 2>/dev/null || cp -a "$seed" "$cache/guestplug/qemu/debs"
for f in Packages Release qemu-version; do
    if [ -f "$seed/$f" ]; then cp --remove-destination "$seed/$f" "$cache/guestplug/qemu/debs/$f"; fi
done

status=0
XDG_CACHE_HOME=$cache GUESTPLUG_DEBIAN_MIRROR=$offline_mirror "$setup" >"$WORK/offline" 2>&1 ||
    status=$?
cat "$WORK/offline"
[ $status -eq 0 ] || fail "offline provisioning: status $status"
expect_contains "$WORK/offline" "cannot fetch the package indexes of trixie-backports trixie from http://127.0.0.1:9"
expect_contains "$WORK/offline" "building QEMU $version offline from the .debs cached in $cache/guestplug/qemu/debs"
expect_contains "$WORK/offline" "QEMU ready in"
expect_contains "$WORK/offline" "(Debian $version)"
[ -f "$cache/guestplug/qemu/root/.guestplug-complete" ] || fail "no complete root"

# The runner runs it (no system QEMU on this PATH), and the core loads into it.
export XDG_CACHE_HOME=$cache PATH=/usr/bin:/bin GUESTPLUG_QEMU_ROOT='' GUESTPLUG_QEMU=''
"$GUESTPLUG" qemu x86_64 --version >"$WORK/version"
expect_contains "$WORK/version" "QEMU emulator version 11.1."
expect_contains "$WORK/version" "(Debian $version)"
make_exit_bios "$WORK/bios.bin" 0x31
status=0
run_bare_x86 "$WORK/bios.bin" -plugin "file=$CORE,verbose=on" >"$WORK/run" 2>&1 || status=$?
cat "$WORK/run"
[ "$status" -eq 99 ] || fail "QEMU exit status $status, expected 99"
expect_contains "$WORK/run" "guestplug: core loaded into QEMU (target x86_64"

# Provisioned already: a second run is quick and needs no network.
GUESTPLUG_DEBIAN_MIRROR=$offline_mirror "$setup" >"$WORK/again" 2>&1 ||
    { cat "$WORK/again"; fail "setup failed with QEMU already provisioned"; }
expect_contains "$WORK/again" "[2/2] QEMU: QEMU emulator version 11.1."

# A version the cache does not hold cannot be built offline.
status=0
GUESTPLUG_DEBIAN_MIRROR=$offline_mirror GUESTPLUG_QEMU_VERSION=1:11.1.0+ds-1 \
    "$setup" --reprovision >"$WORK/other-version" 2>&1 || status=$?
cat "$WORK/other-version"
[ $status -eq 1 ] || fail "offline with an uncached GUESTPLUG_QEMU_VERSION: status $status"
expect_contains "$WORK/other-version" "are of QEMU $version, not 1:11.1.0+ds-1"
[ -f "$cache/guestplug/qemu/root/.guestplug-complete" ] || fail "a failed setup broke the root"

# Offline and nothing cached: status 1, what is missing and what to do.
status=0
XDG_CACHE_HOME=$WORK/empty GUESTPLUG_DEBIAN_MIRROR=$offline_mirror "$setup" \
    >"$WORK/nothing-cached" 2>&1 || status=$?
cat "$WORK/nothing-cached"
[ $status -eq 1 ] || fail "offline without cached .debs: status $status"
expect_contains "$WORK/nothing-cached" "no QEMU .debs are cached in $WORK/empty/guestplug/qemu/debs"
expect_contains "$WORK/nothing-cached" "fix: connect this machine to http://127.0.0.1:9"

# A mirror that offers only QEMU 11.2 (the saved "only 11.2" index, served
# over HTTP): with nothing cached, setup says what it found, what is
# supported and what to do; with the .debs cached, it builds from them.
data=$ROOT/tests/data/qemu-index
mirror_dir=$WORK/mirror
for suite in trixie-backports trixie; do
    mkdir -p "$mirror_dir/dists/$suite/main/binary-amd64"
done
xz -c "$data/only-11.2/trixie-backports.Packages" \
    >"$mirror_dir/dists/trixie-backports/main/binary-amd64/Packages.xz"
xz -c "$data/trixie.Packages" >"$mirror_dir/dists/trixie/main/binary-amd64/Packages.xz"
python3 -u -m http.server --bind 127.0.0.1 --directory "$mirror_dir" 0 >"$WORK/http.log" 2>&1 &
http_pid=$!
trap 'kill $http_pid 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do
    port=$(sed -n 's/.* port \([0-9]*\).*/\1/p' "$WORK/http.log" | head -n 1)
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || fail "the test mirror did not start: $(cat "$WORK/http.log")"
only_11_2=http://127.0.0.1:$port

status=0
XDG_CACHE_HOME=$WORK/empty GUESTPLUG_DEBIAN_MIRROR=$only_11_2 "$setup" \
    >"$WORK/unsupported" 2>&1 || status=$?
cat "$WORK/unsupported"
[ $status -eq 1 ] || fail "only 11.2 offered, nothing cached: status $status, expected 1"
expect_contains "$WORK/unsupported" "offer no QEMU 11.1.x, the series guestplug supports"
expect_contains "$WORK/unsupported" "trixie-backports: qemu-system-x86 1:11.2.0+ds-1~bpo13+1 (QEMU 11.2)"
expect_contains "$WORK/unsupported" "GUESTPLUG_QEMU=/path/to/qemu-system-x86_64 guestplug setup"
expect_contains "$WORK/unsupported" "use a guestplug release that supports QEMU 11.2"
[ ! -e "$WORK/empty/guestplug/qemu/mmdebstrap.log" ] || fail "mmdebstrap ran anyway"

status=0
GUESTPLUG_DEBIAN_MIRROR=$only_11_2 "$setup" --reprovision >"$WORK/unsupported-cached" 2>&1 ||
    status=$?
cat "$WORK/unsupported-cached"
[ $status -eq 0 ] || fail "only 11.2 offered, .debs cached: status $status"
expect_contains "$WORK/unsupported-cached" "(QEMU 11.2)"
expect_contains "$WORK/unsupported-cached" "building QEMU $version offline from the .debs cached"
expect_contains "$WORK/unsupported-cached" "QEMU ready in"

# GUESTPLUG_QEMU_VERSION: of another series, refused before anything else;
# not offered by the mirror (nothing cached), named with what to do; the
# cached version, built from the cache while the archive is unreachable.
status=0
XDG_CACHE_HOME=$WORK/empty GUESTPLUG_QEMU_VERSION=1:11.2.0+ds-1 "$setup" \
    >"$WORK/override-series" 2>&1 || status=$?
cat "$WORK/override-series"
[ $status -eq 1 ] || fail "GUESTPLUG_QEMU_VERSION of 11.2: status $status, expected 1"
expect_contains "$WORK/override-series" "GUESTPLUG_QEMU_VERSION=1:11.2.0+ds-1 is QEMU 11.2.0; guestplug supports"
status=0
XDG_CACHE_HOME=$WORK/empty GUESTPLUG_DEBIAN_MIRROR=$only_11_2 GUESTPLUG_QEMU_VERSION=1:11.1.0+ds-1 \
    "$setup" >"$WORK/override-absent" 2>&1 || status=$?
cat "$WORK/override-absent"
[ $status -eq 1 ] || fail "GUESTPLUG_QEMU_VERSION not offered: status $status, expected 1"
expect_contains "$WORK/override-absent" "GUESTPLUG_QEMU_VERSION=1:11.1.0+ds-1: not all of"
expect_contains "$WORK/override-absent" "trixie-backports: qemu-system-x86 1:11.2.0+ds-1~bpo13+1 (QEMU 11.2)"
status=0
GUESTPLUG_DEBIAN_MIRROR=$offline_mirror GUESTPLUG_QEMU_VERSION=$version "$setup" --reprovision \
    >"$WORK/override-cached" 2>&1 || status=$?
cat "$WORK/override-cached"
[ $status -eq 0 ] || fail "GUESTPLUG_QEMU_VERSION of the cached .debs, offline: status $status"
expect_contains "$WORK/override-cached" "building QEMU $version offline from the .debs cached"
