# SPDX-License-Identifier: GPL-2.0-or-later
# Through the C API: a file created after one revert is gone after the next;
# a missing snapshot is a clear error and the VM stays usable.
source "$(dirname "$0")/lib.bash"
"$ROOT/$BUILD/tests/integration/vm_api" revert-twice
