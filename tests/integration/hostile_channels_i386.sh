# SPDX-License-Identifier: GPL-2.0-or-later
# The hostile guest's channel attacks (hostile_channels.sh) in the generic
# i386 guest, which has channels but no injection: the host plugin's
# channels are refused to the attacker and intact for their owner.
exec bash "$(dirname "$0")/hostile_channels.sh" i386
