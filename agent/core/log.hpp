// SPDX-License-Identifier: BSD-2-Clause
// Levelled logging to stderr. Under systemd (JOURNAL_STREAM set) lines carry
// the sd-daemon "<N>" priority prefix so journald keeps the level; elsewhere
// they carry a timestamp and the level in words.
#pragma once

#include <cstdio>
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

template <typename... Args>
void logf(LogLevel l, const char* fmt, Args... args) {
    if (static_cast<int>(l) > static_cast<int>(log_level())) return;
    char buf[1024];
    std::snprintf(buf, sizeof(buf), fmt, args...);
    log_line(l, buf);
}

#define XLOG_ERROR(...) ::xmip::core::logf(::xmip::core::LogLevel::Error, __VA_ARGS__)
#define XLOG_WARN(...) ::xmip::core::logf(::xmip::core::LogLevel::Warn, __VA_ARGS__)
#define XLOG_INFO(...) ::xmip::core::logf(::xmip::core::LogLevel::Info, __VA_ARGS__)
#define XLOG_DEBUG(...) ::xmip::core::logf(::xmip::core::LogLevel::Debug, __VA_ARGS__)

}  // namespace xmip::core
