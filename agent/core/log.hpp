// SPDX-License-Identifier: BSD-2-Clause
// Levelled logging. Under systemd (JOURNAL_STREAM names our stderr) each
// line goes to journald through sd-journal (log_journal.cpp, when built with
// libsystemd) with PRIORITY, the instance (XMIP_INSTANCE) and an event's
// fields (XMIP_HOA, XMIP_COA, ...) as structured fields; without the library,
// or when journald does not take it, the line goes to stderr with the
// sd-daemon "<N>" priority prefix. Elsewhere lines carry a timestamp and the
// level in words, as they always have.
#pragma once

#include <cstdio>
#include <initializer_list>
#include <string>
#include <string_view>

namespace xmip::core {

enum class LogLevel { Error = 0, Warn = 1, Info = 2, Debug = 3 };

void set_log_level(LogLevel l);
LogLevel log_level();
bool parse_log_level(std::string_view s, LogLevel* out);
// "error", "warn", "info", "debug": what parse_log_level() reads.
constexpr const char* to_string(LogLevel l) {
    switch (l) {
        case LogLevel::Error: return "error";
        case LogLevel::Warn: return "warn";
        case LogLevel::Info: return "info";
        case LogLevel::Debug: return "debug";
    }
    return "?";
}
void log_line(LogLevel l, std::string_view msg);

// A structured field of a log event: name without the XMIP_ prefix
// ("HOA", "COA"), upper case letters, digits and '_' (journald's rule).
struct LogField {
    const char* name;
    std::string value;
};
void log_line(LogLevel l, std::string_view msg, std::initializer_list<LogField> fields);
// The instance every journal entry carries (XMIP_INSTANCE).
void set_log_instance(std::string instance);
// Whether lines go to journald: JOURNAL_STREAM is "dev:ino" of stderr.
bool journal_stream_is_stderr();

// printf-style: the compiler checks every call's format against its
// arguments (-Wformat, in -Wall). Nothing is formatted below the log level.
void logf_fields(LogLevel l, std::initializer_list<LogField> fields, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));
void logf(LogLevel l, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

#define XLOG_ERROR(...) ::xmip::core::logf(::xmip::core::LogLevel::Error, __VA_ARGS__)
#define XLOG_WARN(...) ::xmip::core::logf(::xmip::core::LogLevel::Warn, __VA_ARGS__)
#define XLOG_INFO(...) ::xmip::core::logf(::xmip::core::LogLevel::Info, __VA_ARGS__)
// Debug lines are the per-packet ones: below the level their arguments
// (addresses turned into strings) are not even computed.
#define XLOG_DEBUG(...)                                                     \
    do {                                                                    \
        if (::xmip::core::log_level() >= ::xmip::core::LogLevel::Debug)     \
            ::xmip::core::logf(::xmip::core::LogLevel::Debug, __VA_ARGS__); \
    } while (0)
// An event with fields: XLOG_EVENT_INFO(({{"HOA", h}, {"COA", c}}), "registered %s", ...).
#define XLOG_EVENT_INFO(fields, ...) \
    ::xmip::core::logf_fields(::xmip::core::LogLevel::Info, std::initializer_list<::xmip::core::LogField> fields, __VA_ARGS__)

}  // namespace xmip::core
