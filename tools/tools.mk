# SPDX-License-Identifier: GPL-2.0-or-later
# Build-time helpers. config-panda-list turns the config.panda files into
# make variables, so the build uses the same parser the unit tests cover.

CONFIG_PANDA_LIST := $(BUILD)/tools/config-panda-list
$(BUILD)/obj/tools/%.o $(BUILD)/obj-asan/tools/%.o: OBJ_CFLAGS = -Itools $(GLIB_CFLAGS)

$(CONFIG_PANDA_LIST): $(BUILD)/obj/tools/config_panda.o $(BUILD)/obj/tools/config_panda_list.o
	@mkdir -p $(@D)
	$(CC) -o $@ $^ $(LDFLAGS) $(GLIB_LIBS)

# Guest plugin folders: the in-tree one, plus $EXTRA_GUEST_PLUGINS_PATH.
GUEST_PLUGIN_DIRS := guest/plugins $(EXTRA_GUEST_PLUGINS_PATH)
PLUGIN_LISTS_MK := $(BUILD)/plugin-lists.mk

# The extra folder comes from the environment and may change between runs;
# this stamp changes exactly when it does.
EXTRA_PATH_STAMP := $(BUILD)/extra-guest-plugins-path
$(call write_if_changed,$(EXTRA_PATH_STAMP),$(EXTRA_GUEST_PLUGINS_PATH))

$(PLUGIN_LISTS_MK): $(CONFIG_PANDA_LIST) plugins/config.panda \
		$(addsuffix /config.panda,$(GUEST_PLUGIN_DIRS)) $(EXTRA_PATH_STAMP)
	@mkdir -p $(@D)
	{ printf 'HOST_PLUGINS :='; $(CONFIG_PANDA_LIST) plugins | awk '{printf " %s", $$2}'; echo; \
	  printf 'GUEST_PLUGINS :='; $(CONFIG_PANDA_LIST) $(GUEST_PLUGIN_DIRS) | \
	    awk '{printf " %s/%s", $$1, $$2}'; echo; } > $@.tmp && mv $@.tmp $@

ifeq ($(filter clean setup,$(MAKECMDGOALS)),)
-include $(PLUGIN_LISTS_MK)
endif

ALL_TARGETS += $(CONFIG_PANDA_LIST)
