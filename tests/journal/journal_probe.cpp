// SPDX-License-Identifier: BSD-2-Clause
// Logs what xmipd logs around a binding: a plain warning and an event with
// its home and care-of addresses (tests/journal/journal_test.sh reads where
// they went: journald's socket, or stderr).
#include "core/log.hpp"

int main() {
    xmip::core::set_log_instance("probe1");
    XLOG_WARN("plain warning %d", 7);
    XLOG_EVENT_INFO(({{"EVENT", "registered"}, {"HOA", "2001:db8:2700::4"}, {"COA", "2001:db8:1100::4"}}),
                    "registered %s -> %s", "2001:db8:2700::4", "2001:db8:1100::4");
    return 0;
}
