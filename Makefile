# SPDX-License-Identifier: GPL-2.0-or-later
#
# guestplug build. `make` builds the host parts and, for every guest
# architecture whose Debian cross compiler is installed, the guest parts.
# `make test` first runs scripts/setup (packages, QEMU 11.1), then every test.
#
# Outputs go to $(BUILD):
#   lib/libguestplug.so        the QEMU TCG plugin (core)
#   lib/libguestplug-run.{a,so} the runner library
#   lib/libguestplug-image.a   the image builder, part of the runner library
#   bin/guestplug              the CLI
#   plugins/NAME.so            in-tree host plugins (plugins/config.panda)
#   guest/ARCH/NAME            guest programs, static, per architecture
#   tests/                     unit tests, plain and under ASan+UBSan

PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build
VERSION := 0.1.0

# The QEMU series and plugin API guestplug supports: GP_QEMU_SERIES and
# GP_QEMU_PLUGIN_API (override either on the make command line to try another).
include core/qemu/supported
QEMU_SUPPORT_FLAGS := -DGP_QEMU_SERIES='"$(GP_QEMU_SERIES)"' \
	-DGP_QEMU_PLUGIN_API_VERSION=$(GP_QEMU_PLUGIN_API)

CC ?= cc
PKG_CONFIG ?= pkg-config
GLIB_CFLAGS := $(shell $(PKG_CONFIG) --cflags glib-2.0 2>/dev/null)
GLIB_LIBS := $(shell $(PKG_CONFIG) --libs glib-2.0 2>/dev/null)
RUNNER_PKGS := glib-2.0 gio-2.0 gio-unix-2.0 json-glib-1.0 zlib
RUNNER_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(RUNNER_PKGS) 2>/dev/null)
RUNNER_LIBS := $(shell $(PKG_CONFIG) --libs $(RUNNER_PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

ABS_SRC := $(abspath .)
ABS_BUILD := $(abspath $(BUILD))
WARNINGS := -Wall -Wextra -Werror
COMMON_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARNINGS) -g -O2 -fPIC -Iinclude \
	-DGP_SOURCE_DIR='"$(ABS_SRC)"' -DGP_BUILD_DIR='"$(ABS_BUILD)"' \
	-DGP_PREFIX='"$(PREFIX)"' -DGP_VERSION='"$(VERSION)"' $(QEMU_SUPPORT_FLAGS)
CFLAGS ?=
LDFLAGS ?=
SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: all clean install test unit-test setup check-tools
all:

# $(call write_if_changed,FILE,TEXT): rewrites FILE only when TEXT differs,
# so what depends on FILE is rebuilt exactly when TEXT changes.
write_if_changed = $(if $(filter clean,$(MAKECMDGOALS)),,$(shell mkdir -p $(dir $(1)) && \
	printf '%s\n' '$(2)' | cmp -s - $(1) || printf '%s\n' '$(2)' > $(1)))

# The paths and QEMU support compiled into the binaries: a new PREFIX or
# GP_QEMU_* value rebuilds what uses them.
CONFIG_STAMP := $(BUILD)/config-paths
$(call write_if_changed,$(CONFIG_STAMP),$(ABS_SRC) $(ABS_BUILD) $(PREFIX) $(VERSION) \
	$(GP_QEMU_SERIES) $(GP_QEMU_PLUGIN_API))

include core/core.mk
include images/images.mk
include runner/runner.mk
include tools/tools.mk
include plugins/plugins.mk
include guest/guest.mk
include tests/tests.mk
include tests/hermetic/hermetic.mk
include tests/fuzz/fuzz.mk

all: $(ALL_TARGETS)

# Object files: one rule per flavour; dependencies tracked with -MMD.
$(BUILD)/obj/%.o: %.c $(CONFIG_STAMP)
	@mkdir -p $(@D)
	$(CC) $(COMMON_CFLAGS) $(OBJ_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj-asan/%.o: %.c $(CONFIG_STAMP)
	@mkdir -p $(@D)
	$(CC) $(COMMON_CFLAGS) $(OBJ_CFLAGS) $(SANITIZE) $(CFLAGS) -MMD -MP -c $< -o $@

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# Packages and QEMU (docs/setup.md). The QEMU support values go along, so
# `make GP_QEMU_SERIES=... setup` provisions what that build accepts.
setup:
	GP_QEMU_SERIES='$(GP_QEMU_SERIES)' GP_QEMU_PLUGIN_API='$(GP_QEMU_PLUGIN_API)' scripts/setup
	@mkdir -p $(BUILD) && touch $(BUILD)/.setup-done

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/guestplug/plugins \
		$(DESTDIR)$(PREFIX)/include/guestplug $(DESTDIR)$(PREFIX)/lib/pkgconfig \
		$(DESTDIR)$(PREFIX)/share/guestplug
	install -m 755 $(BUILD)/bin/guestplug $(DESTDIR)$(PREFIX)/bin/
	install -m 755 scripts/setup $(DESTDIR)$(PREFIX)/lib/guestplug/setup
	install -m 644 core/qemu/supported $(DESTDIR)$(PREFIX)/lib/guestplug/qemu-supported
	install -m 755 $(BUILD)/lib/libguestplug.so $(DESTDIR)$(PREFIX)/lib/guestplug/
	install -m 644 $(BUILD)/lib/libguestplug-run.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(BUILD)/lib/libguestplug-run.so $(DESTDIR)$(PREFIX)/lib/
	install -m 644 include/guestplug/*.h $(DESTDIR)$(PREFIX)/include/guestplug/
	for p in $(HOST_PLUGIN_SOS); do install -m 755 $$p $(DESTDIR)$(PREFIX)/lib/guestplug/plugins/; done
	for a in $(GUEST_BUILD_ARCHES); do \
		install -d $(DESTDIR)$(PREFIX)/lib/guestplug/guest/$$a && \
		install -m 644 $(BUILD)/guest/$$a/libguestplug-guest.a \
			$(DESTDIR)$(PREFIX)/lib/guestplug/guest/$$a/ && \
		for p in $(notdir $(GUEST_PLUGINS)); do \
			install -m 755 $(BUILD)/guest/$$a/$$p $(DESTDIR)$(PREFIX)/lib/guestplug/guest/$$a/; \
		done; done
# The recipe, without the builder's sources that live beside it.
	tar -c -f - --exclude='images/*.[ch]' --exclude=images/images.mk \
		--no-wildcards-match-slash images | tar -x -f - -C $(DESTDIR)$(PREFIX)/share/guestplug
	install -d $(DESTDIR)$(PREFIX)/lib/guestplug/python/guestplug
	install -m 644 python/guestplug/*.py $(DESTDIR)$(PREFIX)/lib/guestplug/python/guestplug/
	for pc in guestplug-host guestplug-run guestplug-guest; do \
		sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' \
			scripts/$$pc.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/$$pc.pc; done

clean:
	rm -rf $(BUILD)

# Static analysis: `make lint` (cppcheck and clang-tidy, both must be clean).
LINT_SRCS := $(wildcard core/*.c core/arch/*.c runner/*.c images/*.c tools/*.c)
.PHONY: lint
lint: $(CORE_ABI_HEADERS)
	cppcheck --error-exitcode=1 --enable=warning,performance,portability --inline-suppr -q \
		--std=c11 --library=gtk -D__x86_64__ -D__GNUC__ $(QEMU_SUPPORT_FLAGS) \
		-Iinclude -Icore -I$(BUILD)/core/arch -Irunner -Iimages -Itools -Iguest/lib \
		$(LINT_SRCS) guest/lib guest/daemon
	clang-tidy -quiet $(LINT_SRCS) -- -std=c11 -D_GNU_SOURCE -Iinclude -Icore \
		-I$(BUILD)/core/arch -Irunner -Iimages \
		-Itools $(RUNNER_CFLAGS) -DGP_SOURCE_DIR='""' -DGP_BUILD_DIR='""' -DGP_PREFIX='""' \
		-DGP_VERSION='""' $(QEMU_SUPPORT_FLAGS)
