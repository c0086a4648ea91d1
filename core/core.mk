# SPDX-License-Identifier: GPL-2.0-or-later
# libguestplug.so: the QEMU TCG plugin. Hidden visibility: only QEMU's entry
# points and the host API (include/guestplug/host.h) are exported.

CORE_SRCS := $(wildcard core/*.c) $(wildcard core/arch/*.c)
CORE_OBJS := $(CORE_SRCS:%.c=$(BUILD)/obj/%.o)
CORE_SO := $(BUILD)/lib/libguestplug.so

$(BUILD)/obj/core/%.o $(BUILD)/obj-asan/core/%.o: OBJ_CFLAGS = -Icore -fvisibility=hidden $(GLIB_CFLAGS)

# QEMU resolves the qemu_plugin_* symbols at load time, so no -z defs.
$(CORE_SO): $(CORE_OBJS)
	@mkdir -p $(@D)
	$(CC) -shared -Wl,-soname,libguestplug.so -o $@ $^ $(LDFLAGS) $(GLIB_LIBS) -ldl

ALL_TARGETS += $(CORE_SO)
