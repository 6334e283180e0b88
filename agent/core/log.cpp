// SPDX-License-Identifier: BSD-2-Clause
#include "core/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdarg>
#include <cstdlib>
#include <ctime>

#include <sys/stat.h>
#include <unistd.h>

namespace xmip::core {

// log_journal.cpp: sends one entry to journald; false when it cannot (no
// libsystemd at build time, or journald refused), and the line goes to stderr.
bool journal_send(int priority, std::string_view msg, const std::string& instance,
                  std::initializer_list<LogField> fields);

namespace {
std::atomic<int> g_level{static_cast<int>(LogLevel::Info)};
const bool g_journal = journal_stream_is_stderr();
std::string g_instance;  // set once at start, before other threads log
}  // namespace

bool journal_stream_is_stderr() {
    // systemd sets JOURNAL_STREAM to the device and inode of the stream it
    // connected stderr to; a redirected stderr (a shell in the unit) no longer is.
    const char* env = std::getenv("JOURNAL_STREAM");
    if (!env) return false;
    struct stat st {};
    if (fstat(STDERR_FILENO, &st) != 0) return false;
    unsigned long long dev = 0, ino = 0;
    if (std::sscanf(env, "%llu:%llu", &dev, &ino) != 2) return false;
    return dev == static_cast<unsigned long long>(st.st_dev) && ino == static_cast<unsigned long long>(st.st_ino);
}

void set_log_instance(std::string instance) { g_instance = std::move(instance); }

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

void log_line(LogLevel l, std::string_view msg) { log_line(l, msg, {}); }

void log_line(LogLevel l, std::string_view msg, std::initializer_list<LogField> fields) {
    static const char* names[] = {"error", "warn", "info", "debug"};
    static const int syslog_prio[] = {3, 4, 6, 7};
    const int i = static_cast<int>(l);
    if (g_journal && journal_send(syslog_prio[i], msg, g_instance, fields)) return;
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

namespace {
bool enabled(LogLevel l) { return static_cast<int>(l) <= static_cast<int>(log_level()); }
}  // namespace

void logf_fields(LogLevel l, std::initializer_list<LogField> fields, const char* fmt, ...) {
    if (!enabled(l)) return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    log_line(l, buf, fields);
}

void logf(LogLevel l, const char* fmt, ...) {
    if (!enabled(l)) return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    log_line(l, buf);
}

}  // namespace xmip::core
