# SPDX-License-Identifier: GPL-2.0-or-later
# In-tree host plugins: each NAME in plugins/config.panda is built from
# plugins/NAME/*.c into $(BUILD)/plugins/NAME.so, linked against the core so
# it reaches the host API (docs/architecture.md explains why that works).

HOST_PLUGIN_SOS := $(HOST_PLUGINS:%=$(BUILD)/plugins/%.so)

define host_plugin_rule
$(BUILD)/plugins/$(1).so: $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard plugins/$(1)/*.c)) $(CORE_SO)
	@mkdir -p $$(@D)
	$$(CC) -shared -o $$@ $$(filter %.o,$$^) $$(LDFLAGS) -L$(BUILD)/lib -lguestplug
endef
$(foreach p,$(HOST_PLUGINS),$(eval $(call host_plugin_rule,$(p))))

$(BUILD)/obj/plugins/%.o: OBJ_CFLAGS = $(GLIB_CFLAGS)

ALL_TARGETS += $(HOST_PLUGIN_SOS)
