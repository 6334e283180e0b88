// SPDX-License-Identifier: BSD-2-Clause
// The datapath counters by name: generated from XMIP_COUNTERS in the shared
// header, so userspace and BPF can never disagree on the list.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "xmip_shared.h"

namespace xmip::dp {

struct CounterInfo {
    std::string_view id;       // enum name without prefix, e.g. "DROP_SPOOFED"
    std::string_view reason;   // metric label, e.g. "spoofed"
    std::string_view verdict;  // pass, tx, redirect, drop, agent
    std::string_view help;
};

inline constexpr std::array<CounterInfo, XMIP_CNT_MAX> kCounters = {{
#define XMIP_COUNTER_INFO(id, name, verdict, help) {#id, name, verdict, help},
    XMIP_COUNTERS(XMIP_COUNTER_INFO)
#undef XMIP_COUNTER_INFO
}};

// Counters summed over CPUs, indexed by enum xmip_counter.
using CounterSnapshot = std::array<xmip_counter_value, XMIP_CNT_MAX>;

}  // namespace xmip::dp
