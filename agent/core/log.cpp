// SPDX-License-Identifier: BSD-2-Clause
#include "core/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>

namespace xmip::core {

namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::Info)};
const bool g_journal = std::getenv("JOURNAL_STREAM") != nullptr;
}  // namespace

void set_log_level(LogLevel l) { g_level = static_cast<int>(l); }
LogLevel log_level() { return static_cast<LogLevel>(g_level.load()); }

bool parse_log_level(std::string_view s, LogLevel* out) {
    if (s == "error") *out = LogLevel::Error;
    else if (s == "warn") *out = LogLevel::Warn;
    else if (s == "info") *out = LogLevel::Info;
    else if (s == "debug") *out = LogLevel::Debug;
    else return false;
    return true;
}

void log_line(LogLevel l, std::string_view msg) {
    static const char* names[] = {"error", "warn", "info", "debug"};
    static const int syslog_prio[] = {3, 4, 6, 7};
    const int i = static_cast<int>(l);
    if (g_journal) {
        std::fprintf(stderr, "<%d>%.*s\n", syslog_prio[i], (int)msg.size(), msg.data());
    } else {
        auto now = std::chrono::system_clock::now();
        auto t = std::chrono::system_clock::to_time_t(now);
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
        std::tm tm{};
        gmtime_r(&t, &tm);
        char ts[32];
        std::strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
        std::fprintf(stderr, "%s.%03lld %-5s %.*s\n", ts, (long long)ms, names[i], (int)msg.size(),
                     msg.data());
    }
}

}  // namespace xmip::core
