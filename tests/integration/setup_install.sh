# SPDX-License-Identifier: GPL-2.0-or-later
# `guestplug setup` is installed with guestplug: `make install` puts the setup
# script and the QEMU support declaration in PREFIX/lib/guestplug, the
# installed script reads its own copy, and the CLI verb runs setup with its
# arguments and exit status. Both --help texts describe the environment.
source "$(dirname "$0")/lib.bash"
data=$ROOT/tests/data/qemu-index

for help in "$ROOT/scripts/setup --help" "$GUESTPLUG setup --help"; do
    $help >"$WORK/help" || fail "$help: status $?"
    for text in "usage: guestplug setup" GUESTPLUG_QEMU_VERSION "GUESTPLUG_QEMU " \
            GUESTPLUG_DEBIAN_MIRROR XDG_CACHE_HOME "11.1.x" "plugin API 7" uidmap mmdebstrap \
            --reprovision --resolve-qemu; do
        expect_contains "$WORK/help" "$text"
    done
done

# The verb passes arguments through and returns the script's status.
[ "$("$GUESTPLUG" setup --resolve-qemu --index "$data/trixie-backports.Packages")" = \
  "$("$ROOT/scripts/setup" --resolve-qemu --index "$data/trixie-backports.Packages")" ] ||
    fail "guestplug setup --resolve-qemu differs from scripts/setup"
status=0; "$GUESTPLUG" setup --no-such-option 2>"$WORK/err" || status=$?
[ $status -eq 2 ] || fail "guestplug setup --no-such-option: status $status, expected 2"
status=0; "$GUESTPLUG" setup --resolve-qemu --index "$data/trixie.Packages" 2>"$WORK/err" || status=$?
[ $status -eq 1 ] || fail "guestplug setup, unsupported series: status $status, expected 1"
# The in-tree wrapper runs it too, before anything is built.
"$ROOT/guestplug" setup --help | grep -q "usage: guestplug setup" || fail "./guestplug setup --help"

# make install, into a staging directory with the prefix this build has.
prefix=$(cut -d' ' -f3 "$ROOT/$BUILD/config-paths")
make -s -C "$ROOT" install BUILD="$BUILD" DESTDIR="$WORK/dest" >"$WORK/install" 2>&1 ||
    { cat "$WORK/install"; fail "make install failed"; }
installed=$WORK/dest$prefix/lib/guestplug
[ -x "$installed/setup" ] || fail "make install did not install $installed/setup"
[ -f "$installed/qemu-supported" ] || fail "make install did not install $installed/qemu-supported"
cmp -s "$installed/qemu-supported" "$ROOT/core/qemu/supported" || fail "qemu-supported differs"
[ "$("$installed/setup" --resolve-qemu --index "$data/trixie-backports.Packages")" = \
  "$("$ROOT/scripts/setup" --resolve-qemu --index "$data/trixie-backports.Packages")" ] ||
    fail "the installed setup resolves differently"
# It reads the installed declaration, not the source tree's: declare 11.2 there.
sed -i 's/^GP_QEMU_SERIES = .*/GP_QEMU_SERIES = 11.2/' "$installed/qemu-supported"
version=$("$installed/setup" --resolve-qemu --index "$data/only-11.2/trixie-backports.Packages") ||
    fail "the installed setup ignored its qemu-supported"
[[ ${version#*:} == 11.2.* ]] || fail "the installed setup resolved $version for series 11.2"
