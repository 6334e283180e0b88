// SPDX-License-Identifier: BSD-2-Clause
// journald entries through sd-journal (libsystemd), when xmip is built with
// it (XMIP_HAVE_SD_JOURNAL): the message, its priority, the instance and the
// event's fields, each a field journalctl can select on, e.g.
//   journalctl -u xmipd@ha XMIP_HOA=2001:db8:2700::4
// Without the library the caller falls back to "<N>message" on stderr.
#include <string>
#include <vector>

#include "core/log.hpp"

#ifdef XMIP_HAVE_SD_JOURNAL
#include <sys/uio.h>
#include <unistd.h>
#include <systemd/sd-journal.h>
#endif

namespace xmip::core {

bool journal_send(int priority, std::string_view msg, const std::string& instance,
                  std::initializer_list<LogField> fields) {
#ifdef XMIP_HAVE_SD_JOURNAL
    // sd_journal_sendv() drops an entry silently when journald's socket is
    // not there: look once, and keep the stderr line in that case.
    static const bool journald = access("/run/systemd/journal/socket", W_OK) == 0;
    if (!journald) return false;
    std::vector<std::string> items;
    items.reserve(4 + fields.size());
    items.push_back("MESSAGE=" + std::string(msg));
    items.push_back("PRIORITY=" + std::to_string(priority));
    items.push_back("SYSLOG_IDENTIFIER=xmipd");
    if (!instance.empty()) items.push_back("XMIP_INSTANCE=" + instance);
    for (const auto& f : fields) items.push_back(std::string("XMIP_") + f.name + "=" + f.value);
    std::vector<iovec> iov;
    iov.reserve(items.size());
    for (auto& s : items) iov.push_back({s.data(), s.size()});
    return sd_journal_sendv(iov.data(), static_cast<int>(iov.size())) == 0;
#else
    (void)priority, (void)msg, (void)instance, (void)fields;
    return false;
#endif
}

}  // namespace xmip::core
