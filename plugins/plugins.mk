# SPDX-License-Identifier: GPL-2.0-or-later
# In-tree host plugins: each NAME in plugins/config.panda is built from
# plugins/NAME/*.c into $(BUILD)/plugins/NAME.so, linked against the core so
# it reaches the host API (docs/architecture.md explains why that works).

HOST_PLUGIN_SOS := $(HOST_PLUGINS:%=$(BUILD)/plugins/%.so)

# host_plugin_rule(NAME, SOURCE_DIR, OUTPUT_DIR): OUTPUT_DIR/NAME.so from SOURCE_DIR/NAME/*.c
define host_plugin_rule
$(3)/$(1).so: $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard $(2)/$(1)/*.c)) $(CORE_SO)
	@mkdir -p $$(@D)
	$$(CC) -shared -o $$@ $$(filter %.o,$$^) $$(LDFLAGS) -L$(BUILD)/lib -lguestplug
endef
$(foreach p,$(HOST_PLUGINS),$(eval $(call host_plugin_rule,$(p),plugins,$(BUILD)/plugins)))

# Host plugins that only the tests load (found via GUESTPLUG_PLUGIN_PATH).
TEST_HOST_PLUGINS := channel_test inject_test tutorial_count hostile_target
TEST_HOST_PLUGIN_SOS := $(TEST_HOST_PLUGINS:%=$(BUILD)/tests/plugins/%.so)
$(foreach p,$(TEST_HOST_PLUGINS),\
	$(eval $(call host_plugin_rule,$(p),tests/plugins,$(BUILD)/tests/plugins)))

$(BUILD)/obj/plugins/%.o $(BUILD)/obj/tests/plugins/%.o: OBJ_CFLAGS =

ALL_TARGETS += $(HOST_PLUGIN_SOS) $(TEST_HOST_PLUGIN_SOS)
