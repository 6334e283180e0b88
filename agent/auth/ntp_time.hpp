// SPDX-License-Identifier: BSD-2-Clause
// 64-bit NTP timestamps (RFC 5905: seconds since 1900 in the high 32 bits,
// the fraction in the low 32), what the Replay Protection option carries
// (RFC 4285 6). Wall-clock time: both ends compare their own clocks.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace xmip::auth {

// 1900-01-01 to 1970-01-01.
inline constexpr uint64_t kNtpUnixOffsetSeconds = 2208988800ull;
inline constexpr int64_t kNtpOneSecond = int64_t{1} << 32;

inline uint64_t to_ntp(std::chrono::system_clock::time_point t) {
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
    uint64_t secs = static_cast<uint64_t>(ns / 1000000000) + kNtpUnixOffsetSeconds;
    uint64_t frac = (static_cast<uint64_t>(ns % 1000000000) << 32) / 1000000000;
    return secs << 32 | frac;
}

inline uint64_t ntp_now() { return to_ntp(std::chrono::system_clock::now()); }

// a - b in NTP units (2^-32 s), as a signed value: timestamps within 68
// years of each other compare correctly.
inline int64_t ntp_diff(uint64_t a, uint64_t b) { return static_cast<int64_t>(a - b); }

}  // namespace xmip::auth

namespace xmip::auth {

// The mobile node's Replay Protection timestamps: its clock, shifted to the
// home agent's once a 144 told it that (RFC 4285 6), and strictly increasing
// whatever the clock does (the home agent refuses one not newer than the last).
class TimestampSource {
public:
    uint64_t next(uint64_t now) {
        uint64_t ts = now + static_cast<uint64_t>(offset_);
        if (last_ && ntp_diff(ts, *last_) <= 0) ts = *last_ + 1;
        last_ = ts;
        return ts;
    }
    // A 144 carried the home agent's time `ha_time`, received at `now`.
    void adopt(uint64_t ha_time, uint64_t now) { offset_ = ntp_diff(ha_time, now); }
    int64_t offset() const { return offset_; }
    std::optional<uint64_t> last() const { return last_; }

private:
    int64_t offset_ = 0;             // NTP units: the home agent's clock minus ours
    std::optional<uint64_t> last_;   // the latest timestamp handed out
};

}  // namespace xmip::auth
