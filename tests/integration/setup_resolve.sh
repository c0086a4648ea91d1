# SPDX-License-Identifier: GPL-2.0-or-later
# scripts/setup resolves the QEMU to provision from a package index: the
# newest revision of the supported series that all of its packages have, in
# dpkg's order. Checked against saved real indexes (tests/data/qemu-index,
# always) and against the live archive when it is reachable.
source "$(dirname "$0")/lib.bash"
setup=$ROOT/scripts/setup
data=$ROOT/tests/data/qemu-index

# Each saved case: the version printed (status 0), or the unsupported-series
# message (status 1).
while IFS=$'\t' read -r expected files; do
    case $expected in '#'*|'') continue ;; esac
    args=()
    for f in $files; do args+=(--index "$data/$f"); done
    status=0
    "$setup" --resolve-qemu "${args[@]}" >"$WORK/out" 2>"$WORK/err" || status=$?
    if [ "$expected" = unsupported ]; then
        [ $status -eq 1 ] || fail "$files: status $status, expected 1 (unsupported)"
        [ ! -s "$WORK/out" ] || fail "$files: printed a version for an unsupported series"
        expect_contains "$WORK/err" "offer no QEMU 11.1.x, the series guestplug supports"
        expect_contains "$WORK/err" "plugin API 7"
        expect_contains "$WORK/err" "GUESTPLUG_QEMU=/path/to/qemu-system-x86_64"
        expect_contains "$WORK/err" "GUESTPLUG_QEMU_VERSION"
        expect_contains "$WORK/err" "(QEMU 10.0)"
    else
        [ $status -eq 0 ] || { cat "$WORK/err"; fail "$files: status $status"; }
        [ "$(cat "$WORK/out")" = "$expected" ] ||
            fail "$files: resolved '$(cat "$WORK/out")', expected '$expected'"
    fi
done <"$data/expected"

# "only 11.2 offered": the message names what was found and the release to wait for.
"$setup" --resolve-qemu --index "$data/only-11.2/trixie-backports.Packages" \
    --index "$data/trixie.Packages" 2>"$WORK/err" && fail "only-11.2 resolved"
expect_contains "$WORK/err" "qemu-system-x86 1:11.2.0+ds-1~bpo13+1 (QEMU 11.2)"
expect_contains "$WORK/err" "use a guestplug release that supports QEMU 11.2"

# A compressed index reads like a plain one (the archive serves Packages.xz).
gzip -c "$data/trixie-backports.Packages" >"$WORK/bpo.gz"
xz -c "$data/trixie-backports.Packages" >"$WORK/bpo.xz"
for f in "$WORK/bpo.gz" "$WORK/bpo.xz"; do
    [ "$("$setup" --resolve-qemu --index "$f")" = "$("$setup" --resolve-qemu \
        --index "$data/trixie-backports.Packages")" ] || fail "$f resolved differently"
done

# Usage errors exit 2; an unreadable index exits 1 naming it.
status=0; "$setup" --resolve-qemu --index 2>"$WORK/err" || status=$?
[ $status -eq 2 ] || fail "--index without a file: status $status"
status=0; "$setup" --index "$data/trixie.Packages" 2>"$WORK/err" || status=$?
[ $status -eq 2 ] || fail "--index without --resolve-qemu: status $status"
status=0; "$setup" --resolve-qemu --index "$WORK/nonexistent" 2>"$WORK/err" || status=$?
[ $status -eq 1 ] || fail "missing index: status $status"
expect_contains "$WORK/err" "$WORK/nonexistent"

# An unreachable mirror: status 1, says which URLs failed and what to do.
status=0
GUESTPLUG_DEBIAN_MIRROR=http://127.0.0.1:9/ "$setup" --resolve-qemu >"$WORK/out" 2>"$WORK/err" ||
    status=$?
[ $status -eq 1 ] || fail "unreachable mirror: status $status"
expect_contains "$WORK/err" "http://127.0.0.1:9/dists/trixie-backports/main/binary-amd64/Packages.xz"
expect_contains "$WORK/err" "GUESTPLUG_DEBIAN_MIRROR"

# The live archive, when reachable: the resolver's answer from the network
# equals its answer from the very indexes it reads, is of the 11.1 series,
# and every QEMU package we install has that version there.
mirror=${GUESTPLUG_DEBIAN_MIRROR:-http://deb.debian.org/debian}
live=()
for suite in trixie-backports trixie; do
    if curl -fsS --connect-timeout 10 --max-time 300 -o "$WORK/$suite.xz" \
            "$mirror/dists/$suite/main/binary-amd64/Packages.xz"; then
        live+=(--index "$WORK/$suite.xz")
    fi
done
if [ ${#live[@]} -eq 4 ]; then
    version=$("$setup" --resolve-qemu) || fail "resolving from the live archive failed"
    [ "$("$setup" --resolve-qemu "${live[@]}")" = "$version" ] ||
        fail "live resolution differs between the network and the same indexes"
    upstream=${version#*:}
    [[ $upstream == 11.1.* ]] || fail "live archive resolved to $version, not 11.1.x"
    for package in qemu-system-x86 qemu-system-arm qemu-system-mips qemu-utils; do
        xz -dc "$WORK/trixie-backports.xz" "$WORK/trixie.xz" |
            grep -A3 -x "Package: $package" | grep -qx "Version: $version" ||
            fail "$package $version is not in the live indexes"
    done
    echo "live archive $mirror: QEMU $version"
else
    echo "live archive $mirror not reachable: checked the saved indexes only"
fi
