# SPDX-License-Identifier: GPL-2.0-or-later
# libguestplug.so: the QEMU TCG plugin. Hidden visibility: only QEMU's entry
# points and the host API (include/guestplug/host.h) are exported.

CORE_SRCS := $(wildcard core/*.c) $(wildcard core/arch/*.c)
CORE_OBJS := $(CORE_SRCS:%.c=$(BUILD)/obj/%.o)
CORE_SO := $(BUILD)/lib/libguestplug.so

$(BUILD)/obj/core/%.o $(BUILD)/obj-asan/core/%.o: OBJ_CFLAGS = -Icore -I$(BUILD)/core/arch \
	-fvisibility=hidden $(GLIB_CFLAGS)

# Each guest architecture's system-call numbers and flags, from its own
# kernel headers through its Debian cross compiler (guest/guest.mk names
# them; core/arch/guest_abi.in says how). The core needs every one.
CORE_ABI_ARCHES := x86_64 i386 arm aarch64 mipsel mips64el
CORE_ABI_HEADERS := $(CORE_ABI_ARCHES:%=$(BUILD)/core/arch/abi_%.h)
$(BUILD)/core/arch/abi_%.h: core/arch/guest_abi.in core/arch/guest_abi.awk
	@mkdir -p $(@D)
	@command -v $(GUEST_CC_$*) >/dev/null || { echo "$(GUEST_CC_$*) is missing: the core takes \
	$*'s system-call numbers from its cross compiler's kernel headers; scripts/setup \
	installs it (run it as root, or see docs/setup.md)" >&2; exit 1; }
	$(GUEST_CC_$*) -E -P -x c $< | awk -f core/arch/guest_abi.awk > $@.tmp
	mv $@.tmp $@
$(CORE_OBJS) $(CORE_OBJS:$(BUILD)/obj/%=$(BUILD)/obj-asan/%): | $(CORE_ABI_HEADERS)

# QEMU resolves the qemu_plugin_* symbols at load time, so no -z defs.
$(CORE_SO): $(CORE_OBJS)
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,libguestplug.so -o $@ $^ $(LDFLAGS) $(GLIB_LIBS) -ldl

ALL_TARGETS += $(CORE_SO)
