# SPDX-License-Identifier: GPL-2.0-or-later
# The hostile guest's memory attacks (hostile_memory.sh) in the generic
# i386 guest: the same refusals through the core's 32-bit page walk.
exec bash "$(dirname "$0")/hostile_memory.sh" i386
