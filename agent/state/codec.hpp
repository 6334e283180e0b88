// SPDX-License-Identifier: BSD-2-Clause
// The state file's format: what a restarted agent needs and the datapath
// maps cannot hold (sequence numbers, lifetimes, expiry, the mobile node's
// location). JSON, one object:
//
//   {"format": "xmip-state", "version": 1, "role": "ha" | "mn",
//    "written_unix_ms": ..., "bindings": [...] | "binding_update_list": {...}}
//
// Times are wall-clock Unix milliseconds: the file outlives the process and
// the boot (the monotonic clock does not). Decoding checks everything and
// never throws: a file that is not exactly this (truncated, corrupt, another
// version or role, a duplicate home address) is reported as an error string,
// and the agent starts as if there were no file.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/in6.hpp"

namespace xmip::state {

inline constexpr const char* kFormatName = "xmip-state";
inline constexpr int kFormatVersion = 1;

// One home agent binding (an active binding cache entry).
struct HaBinding {
    in6_addr hoa{}, coa{}, ha_addr{};
    uint16_t seq = 0;
    uint32_t lifetime_s = 0;       // granted
    int64_t registered_ms = 0;     // Unix ms
    int64_t expires_ms = 0;        // Unix ms: registered + lifetime
    // False for a binding adopted from the datapath without a record of its
    // sequence number (docs/restart.md); written only when false.
    bool seq_known = true;
    // The BU had L set (RFC 6275 10.3.1); written only when true.
    bool link_local = false;
};

struct HaState {
    std::vector<HaBinding> bindings;
};

// The mobile node's home registration (its binding update list entry) and
// where it is: enough to go on tunnelling and to keep numbering its BUs.
struct MnState {
    in6_addr hoa{}, ha{};
    std::string state;                  // mn::to_string(State): "bound", ...
    uint16_t seq = 0;                   // the last sequence number sent
    bool ever_registered = false;
    std::optional<in6_addr> coa;        // away: the care-of address
    std::optional<core::Prefix> visited;  // away: the visited link's prefix
    std::optional<in6_addr> router;     // away: the default router there
    uint32_t lifetime_s = 0;            // granted (bound)
    std::optional<int64_t> expires_ms;  // bound: Unix ms
};

std::string encode(const HaState& s, int64_t written_ms);
std::string encode(const MnState& s, int64_t written_ms);

template <class T>
struct Decoded {
    std::optional<T> value;
    std::string error;  // when !value
};
Decoded<HaState> decode_ha(std::string_view text);
Decoded<MnState> decode_mn(std::string_view text);

}  // namespace xmip::state
