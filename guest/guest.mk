# SPDX-License-Identifier: GPL-2.0-or-later
# Guest programs: static, built per guest architecture with Debian's cross
# compilers. An architecture whose compiler is missing is skipped quietly
# (scripts/setup installs them all).

GUEST_CC_x86_64 := x86_64-linux-gnu-gcc
GUEST_CC_i386 := i686-linux-gnu-gcc
GUEST_CC_aarch64 := aarch64-linux-gnu-gcc
GUEST_CC_arm := arm-linux-gnueabihf-gcc
GUEST_CC_mips := mips-linux-gnu-gcc
GUEST_CC_mipsel := mipsel-linux-gnu-gcc
GUEST_CC_mips64el := mips64el-linux-gnuabi64-gcc
GUEST_ARCHES_ALL := x86_64 i386 aarch64 arm mips mipsel mips64el
GUEST_ARCHES := $(foreach a,$(GUEST_ARCHES_ALL),$(if $(shell command -v $(GUEST_CC_$(a))),$(a)))
# The guest library's hypercalls exist for these so far.
GUEST_LIB_ARCHES := x86_64 i386
GUEST_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARNINGS) -Os -Iinclude -Iguest/lib
# The libc-free half must not call into a C library it may not have.
GUEST_NOLIBC_CFLAGS := -ffreestanding -fno-builtin -fno-stack-protector

GUEST_LIB_NOLIBC := guest/lib/hypercall.c
GUEST_LIB_LIBC := guest/lib/channel_stdio.c
GUEST_LIB_HEADERS := $(wildcard guest/lib/*.h guest/lib/arch/*.h include/guestplug/*.h)

# libguestplug-guest.a for one ARCH.
define guest_lib_rule
$(BUILD)/guest/$(1)/obj/%.nolibc.o: guest/lib/%.c $(GUEST_LIB_HEADERS)
	@mkdir -p $$(@D)
	$$(GUEST_CC_$(1)) $$(GUEST_CFLAGS) $$(GUEST_NOLIBC_CFLAGS) -c $$< -o $$@
$(BUILD)/guest/$(1)/obj/%.o: guest/lib/%.c $(GUEST_LIB_HEADERS)
	@mkdir -p $$(@D)
	$$(GUEST_CC_$(1)) $$(GUEST_CFLAGS) -c $$< -o $$@
$(BUILD)/guest/$(1)/libguestplug-guest.a: \
		$(GUEST_LIB_NOLIBC:guest/lib/%.c=$(BUILD)/guest/$(1)/obj/%.nolibc.o) \
		$(GUEST_LIB_LIBC:guest/lib/%.c=$(BUILD)/guest/$(1)/obj/%.o)
	rm -f $$@ && $$(GUEST_CC_$(1):gcc=ar) rcs $$@ $$^
endef
$(foreach a,$(filter $(GUEST_LIB_ARCHES),$(GUEST_ARCHES)),$(eval $(call guest_lib_rule,$(a))))

# guest_program_rule(ARCH, SOURCE_DIR, OUTPUT): a static program from
# SOURCE_DIR/*.c linked with the guest library.
define guest_program_rule
$(3): $(wildcard $(2)/*.c) $(wildcard $(2)/*.h) $(BUILD)/guest/$(1)/libguestplug-guest.a
	@mkdir -p $$(@D)
	$$(GUEST_CC_$(1)) $$(GUEST_CFLAGS) -static -o $$@ $$(filter %.c,$$^) \
		$(BUILD)/guest/$(1)/libguestplug-guest.a
endef

# GUEST_PLUGINS holds DIR/NAME: build/guest/ARCH/NAME from DIR/NAME/*.c.
GUEST_BUILD_ARCHES := $(filter $(GUEST_LIB_ARCHES),$(GUEST_ARCHES))
$(foreach a,$(GUEST_BUILD_ARCHES),$(foreach p,$(GUEST_PLUGINS),\
	$(eval $(call guest_program_rule,$(a),$(p),$(BUILD)/guest/$(a)/$(notdir $(p))))))
GUEST_PLUGIN_BINS := $(foreach a,$(GUEST_BUILD_ARCHES),$(foreach p,$(GUEST_PLUGINS),\
	$(BUILD)/guest/$(a)/$(notdir $(p))))

# Guest programs the tests run: tests/guest/NAME -> build/guest/ARCH/tests/NAME.
GUEST_TEST_PROGRAMS := channel_test
$(foreach a,$(GUEST_BUILD_ARCHES),$(foreach p,$(GUEST_TEST_PROGRAMS),\
	$(eval $(call guest_program_rule,$(a),tests/guest/$(p),$(BUILD)/guest/$(a)/tests/$(p)))))
GUEST_TEST_BINS := $(foreach a,$(GUEST_BUILD_ARCHES),$(foreach p,$(GUEST_TEST_PROGRAMS),\
	$(BUILD)/guest/$(a)/tests/$(p)))

ALL_TARGETS += $(foreach a,$(GUEST_BUILD_ARCHES),$(BUILD)/guest/$(a)/libguestplug-guest.a) \
	$(GUEST_PLUGIN_BINS) $(GUEST_TEST_BINS)

# guest_daemon: no C library at all; embedded into libguestplug.so.
GUEST_DAEMON_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARNINGS) -Os -Iinclude -Iguest/lib \
	$(GUEST_NOLIBC_CFLAGS) -nostdlib -static -fno-asynchronous-unwind-tables \
	-fno-pie -no-pie -Wl,--gc-sections -ffunction-sections -fdata-sections -s
define guest_daemon_rule
$(BUILD)/guest/$(1)/guest_daemon: $(wildcard guest/daemon/*.c guest/daemon/*.h) \
		$(GUEST_LIB_NOLIBC) $(GUEST_LIB_HEADERS)
	@mkdir -p $$(@D)
	$$(GUEST_CC_$(1)) $$(GUEST_DAEMON_CFLAGS) -o $$@ guest/daemon/daemon.c $(GUEST_LIB_NOLIBC)
endef
$(foreach a,$(GUEST_BUILD_ARCHES),$(eval $(call guest_daemon_rule,$(a))))
GUEST_DAEMONS := $(foreach a,$(GUEST_BUILD_ARCHES),$(BUILD)/guest/$(a)/guest_daemon)
ALL_TARGETS += $(GUEST_DAEMONS)
